package dev.diskfleet.provisioning.network;

import dev.diskfleet.domain.network.NetworkMode;
import java.util.List;

/** A machine's network as clients see it: every forward with the host address and port it listens on. */
public record MachineNetwork(NetworkMode mode, boolean outbound, List<Forward> forwards) {

    public record Forward(int guestPort, String protocol, String hostAddress, int hostPort) {

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
