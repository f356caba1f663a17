package dev.diskfleet.hypervisor;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A guest's network: none, or one virtual NIC on user-mode networking (QEMU's own NAT and DHCP, no root)
 * with port forwards from the host. Without {@code outbound} the guest reaches nothing but the forwards
 * that reach it.
 */
public record GuestNetwork(Mode mode, boolean outbound, List<Forward> forwards) {

    /** No NIC at all. */
    public static final GuestNetwork NONE = new GuestNetwork(Mode.NONE, false, List.of());

    public enum Mode { USER, NONE }

    public enum Protocol {
        TCP, UDP;

        /** As QEMU's {@code hostfwd} and the API spell it: {@code tcp}, {@code udp}. */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Packets to {@code hostAddress:hostPort} on the host go to {@code guestPort} of the guest. */
    public record Forward(Protocol protocol, String hostAddress, int hostPort, int guestPort) {

        public Forward {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(hostAddress, "hostAddress");
            requirePort(hostPort, "hostPort");
            requirePort(guestPort, "guestPort");
        }

        /** {@code tcp:127.0.0.1:40001}, as messages and QEMU's errors name a listening port. */
        public String hostEndpoint() {
            return protocol.spelling() + ":" + hostAddress + ":" + hostPort;
        }
    }

    public GuestNetwork {
        Objects.requireNonNull(mode, "mode");
        forwards = List.copyOf(forwards);
        if (mode == Mode.NONE && !forwards.isEmpty()) {
            throw new IllegalArgumentException("a guest without a network cannot have port forwards");
        }
    }

    private static void requirePort(int port, String name) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 1-65535, not " + port);
        }
    }
}
