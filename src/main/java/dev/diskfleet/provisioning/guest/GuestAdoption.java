package dev.diskfleet.provisioning.guest;

import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.provisioning.LocalNode;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The startup step that gives machines recorded running their guests back: a guest still running (as its
 * run directory records it, identity checked) is adopted and watched again; a machine whose guest is gone
 * is powered off, with that as its last exit. Guests keep running while the service is down. Then the run
 * directories of machines that no longer exist are removed (a service killed between deleting a machine
 * and removing its directory leaves one). In a cluster only this node's machines are looked at: the guests of
 * the others run on their own nodes.
 */
@Component
public class GuestAdoption {

    private static final Logger LOG = LoggerFactory.getLogger(GuestAdoption.class);

    private final MachineRepository machines;
    private final Guests guests;
    private final GuestRunDirectories runDirectories;
    private final LocalNode node;
    private final boolean cluster;

    public GuestAdoption(MachineRepository machines, Guests guests, GuestRunDirectories runDirectories,
            LocalNode node, @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        this.node = node;
        this.cluster = cluster;
        this.machines = machines;
        this.guests = guests;
        this.runDirectories = runDirectories;
    }

    public void adoptRunningGuests() {
        int adopted = 0;
        int gone = 0;
        List<UUID> running = cluster ? machines.findIdsByStateOnNode(MachineState.RUNNING, node.name())
                : machines.findIdsByState(MachineState.RUNNING);
        for (UUID machineId : running) {
            if (guests.withPowerLock(machineId, () -> guests.adopt(machineId))) {
                adopted++;
            } else {
                gone++;
            }
        }
        if (adopted + gone > 0) {
            LOG.info("guests at startup: {} adopted, {} gone (their machines powered off)", adopted, gone);
        }
        for (UUID machineId : runDirectories.machineIds()) {
            if (!machines.existsById(machineId)) {
                guests.removeRunDirectory(machineId);
            }
        }
    }
}
