package dev.diskfleet.provisioning.network;

import dev.diskfleet.domain.network.NetworkMode;
import java.util.List;

/**
 * A machine's network: every forward with its host address and port. Read for the guest, the address is the one
 * the forward listens on ({@code diskfleet.network.forward-address}); read for clients, the one it is reached at
 * ({@link #reachedAt}).
 */
public record MachineNetwork(NetworkMode mode, boolean outbound, List<Forward> forwards) {

    /** The same forwards as clients reach them: at {@code address}, the guest address of the machine's node (null: not placed). */
    public MachineNetwork reachedAt(String address) {
        return new MachineNetwork(mode, outbound, forwards.stream().map(forward -> forward.at(address)).toList());
    }

    public record Forward(int guestPort, String protocol, String hostAddress, int hostPort) {

        /** The same forward at another host address. */
        public Forward at(String address) {
            return new Forward(guestPort, protocol, address, hostPort);
        }

        /** {@code 5432/tcp}. */
        public String key() {
            return guestPort + "/" + protocol;
        }

        /** {@code 127.0.0.1:40001}. */
        public String hostEndpoint() {
            return hostAddress + ":" + hostPort;
        }
    }
}
