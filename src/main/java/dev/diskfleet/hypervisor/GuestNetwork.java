package dev.diskfleet.hypervisor;

import java.util.List;

/**
 * A guest's network: none, or QEMU user networking (one NIC, DHCP from QEMU, no root needed) with forwards
 * from host ports and, unless {@code outbound}, no way out but the forwards.
 */
public record GuestNetwork(boolean user, boolean outbound, List<Forward> forwards) {

    public static final GuestNetwork NONE = new GuestNetwork(false, false, List.of());

    public GuestNetwork {
        forwards = List.copyOf(forwards);
    }

    /** {@code hostAddress:hostPort} on the host to {@code guestPort} of the guest, over {@code protocol}. */
    public record Forward(String protocol, String hostAddress, int hostPort, int guestPort) {
    }
}
