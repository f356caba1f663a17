package dev.diskfleet.provisioning.guest;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.PortForward;
import dev.diskfleet.hypervisor.GuestNetwork;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.springframework.stereotype.Component;

/**
 * A machine's network as its guest gets it, and the check that its host ports are free before QEMU starts:
 * QEMU would fail on a port another process holds, so the machine is refused with the port named instead.
 */
@Component
public class ForwardedPorts {

    private final NetworkProperties settings;

    public ForwardedPorts(NetworkProperties settings) {
        this.settings = settings;
    }

    public GuestNetwork of(Machine machine) {
        if (!machine.getNetworkMode().equals("user")) {
            return GuestNetwork.NONE;
        }
        return new GuestNetwork(true, machine.isNetworkOutbound(), machine.getForwards().stream()
                .map(f -> new GuestNetwork.Forward(f.protocol(), settings.forwardAddress(), f.hostPort(), f.guestPort()))
                .toList());
    }

    /** Throws 409 host-port-busy naming the first host port of the machine another process holds. */
    public void requireFree(Machine machine) {
        for (PortForward forward : machine.getForwards()) {
            if (!free(forward)) {
                throw new ConflictException("host-port-busy", "host port " + settings.forwardAddress() + ":"
                        + forward.hostPort() + "/" + forward.protocol() + " of machine " + machine.getName()
                        + " is held by another process; free it, or give the forward another hostPort (PATCH the"
                        + " machine's network) and start again");
            }
        }
    }

    private boolean free(PortForward forward) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.forwardAddress()),
                    forward.hostPort());
            if (forward.protocol().equals("udp")) {
                try (DatagramSocket socket = new DatagramSocket(address)) {
                    return true;
                }
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(address);
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }
}
