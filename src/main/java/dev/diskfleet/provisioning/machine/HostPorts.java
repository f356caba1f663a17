package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.machine.NetworkRules;
import dev.diskfleet.domain.machine.NetworkRules.RequestedForward;
import dev.diskfleet.domain.machine.PortForward;
import dev.diskfleet.provisioning.guest.NetworkProperties;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Host ports of guests' forwards. A named port must be free of other machines; a port left to the service is
 * the lowest of {@code diskfleet.network.host-ports} that no machine holds. Called inside the transaction that
 * stores the forwards: the table's unique key settles two transactions that picked the same port (the loser
 * answers 409 and may retry), and a kill before the commit leaves no port taken.
 */
@Component
@EnableConfigurationProperties(NetworkProperties.class)
public class HostPorts {

    private final JdbcClient jdbc;
    private final NetworkProperties settings;

    public HostPorts(JdbcClient jdbc, NetworkProperties settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    public String forwardAddress() {
        return settings.forwardAddress();
    }

    /** The forwards with every host port decided; {@code machineId} keeps the ports it already holds. */
    public List<PortForward> assign(UUID machineId, MachineNetwork network, List<PortForward> held) {
        NetworkRules.check(network.mode(), network.forwards());
        Set<String> taken = takenByOthers(machineId);
        List<PortForward> assigned = new ArrayList<>();
        for (RequestedForward forward : network.forwards()) {
            if (forward.hostPort() != null) {
                if (taken.contains(forward.protocol() + "/" + forward.hostPort())) {
                    throw new ConflictException("host-port-taken", "host port " + forward.hostPort() + "/"
                            + forward.protocol() + " is forwarded to another machine; name another or leave hostPort"
                            + " out to have one picked");
                }
                assigned.add(new PortForward(forward.protocol(), forward.guestPort(), forward.hostPort()));
                taken.add(forward.protocol() + "/" + forward.hostPort());
            }
        }
        for (RequestedForward forward : network.forwards()) {
            if (forward.hostPort() == null) {
                int port = keptOrFree(forward, held, taken);
                assigned.add(new PortForward(forward.protocol(), forward.guestPort(), port));
                taken.add(forward.protocol() + "/" + port);
            }
        }
        return assigned;
    }

    /** A machine that already had a port for this guest port keeps it: same port at every boot and change. */
    private int keptOrFree(RequestedForward forward, List<PortForward> held, Set<String> taken) {
        for (PortForward old : held) {
            if (old.protocol().equals(forward.protocol()) && old.guestPort() == forward.guestPort()
                    && !taken.contains(old.protocol() + "/" + old.hostPort())) {
                return old.hostPort();
            }
        }
        for (int port = settings.firstPort(); port <= settings.lastPort(); port++) {
            if (!taken.contains(forward.protocol() + "/" + port)) {
                return port;
            }
        }
        throw new ConflictException("host-ports-exhausted", "every port of diskfleet.network.host-ports ("
                + settings.hostPorts() + ") is forwarded to a machine; delete machines, name host ports, or widen"
                + " the range");
    }

    private Set<String> takenByOthers(UUID machineId) {
        return new HashSet<>(jdbc.sql("select protocol, host_port from machine_forwards where machine_id <> :machine")
                .param("machine", machineId)
                .query((row, n) -> row.getString(1) + "/" + row.getInt(2)).list());
    }
}
