package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.provisioning.network.MachineNetwork;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What automation needs to reach a fleet's machines: each member's name, id, state, node and the endpoint
 * (its node's guest address and host port) of each of its forwards.
 */
public record FleetInventory(Fleet fleet, List<Host> hosts) {

    public record Host(String name, UUID machineId, MachineState state, String node,
            List<MachineNetwork.Forward> forwards) {

        /** The forward of the guest's SSH port, 22/tcp, if it has one: where Ansible connects. */
        public Optional<MachineNetwork.Forward> ssh() {
            return forwards.stream().filter(forward -> forward.key().equals("22/tcp")).findFirst();
        }
    }
}
