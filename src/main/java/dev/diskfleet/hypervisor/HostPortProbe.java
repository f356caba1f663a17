package dev.diskfleet.hypervisor;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Binds each forward's host port for a moment before a guest starts, so that a port another process holds
 * is reported by its number instead of as a failed launch. It cannot close the race with a process that
 * binds the port right after the probe: a driver also maps its own bind failure.
 */
public final class HostPortProbe {

    private HostPortProbe() {
    }

    /** @throws HostPortBusyException for the first forward whose host port cannot be bound now */
    public static void requireFree(GuestNetwork network) {
        for (GuestNetwork.Forward forward : network.forwards()) {
            try {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(forward.hostAddress()),
                        forward.hostPort());
                if (forward.protocol() == GuestNetwork.Protocol.TCP) {
                    // SO_REUSEADDR as QEMU's slirp sets it: a connection in TIME_WAIT does not count as busy.
                    try (ServerSocket socket = new ServerSocket()) {
                        socket.setReuseAddress(true);
                        socket.bind(address);
                    }
                } else {
                    try (DatagramSocket socket = new DatagramSocket(address)) {
                        socket.getLocalPort();
                    }
                }
            } catch (IOException e) {
                throw new HostPortBusyException(forward, e);
            }
        }
    }
}
