package dev.diskfleet.provisioning.guest;

import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.provisioning.LocalNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The startup step that gives machines recorded running their guests back: a guest still running (as its
 * run directory records it, identity checked) is adopted and watched again; a machine whose guest is gone
 * is powered off, with that as its last exit. Guests keep running while the service is down. In a cluster
 * this node takes only its own machines (those placed on it), the running ones and those left unknown while
 * it was lost; a guest it still runs of a machine the database has since given to another node is powered off,
 * so a machine never runs twice. Then the run directories of machines that no longer exist are removed (a
 * service killed between deleting a machine and removing its directory leaves one).
 */
@Component
public class GuestAdoption {

    private static final Logger LOG = LoggerFactory.getLogger(GuestAdoption.class);

    private final MachineRepository machines;
    private final Guests guests;
    private final GuestRunDirectories runDirectories;
    private final LocalNode local;
    private final boolean cluster;

    public GuestAdoption(MachineRepository machines, Guests guests, GuestRunDirectories runDirectories,
            LocalNode local, @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        this.machines = machines;
        this.guests = guests;
        this.runDirectories = runDirectories;
        this.local = local;
        this.cluster = cluster;
    }

    public void adoptRunningGuests() {
        int adopted = 0;
        int gone = 0;
        for (UUID machineId : own()) {
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
            Optional<Machine> machine = machines.findById(machineId);
            String node = machine.map(Machine::getNode).orElse(null);
            if (machine.isEmpty()) {
                guests.removeRunDirectory(machineId);
            } else if (cluster && node != null && !node.equals(local.name()) && guests.powerOffStale(machineId)) {
                LOG.warn("machine {} was started on node {} while this node ({}) was lost: its guest here was powered"
                        + " off", machineId, node, local.name());
            }
        }
    }

    /** The machines this node runs guests of: all recorded running without a cluster. */
    private List<UUID> own() {
        if (!cluster) {
            return machines.findIdsByState(MachineState.RUNNING);
        }
        List<UUID> own = new ArrayList<>(machines.findIdsByStateOnNode(MachineState.RUNNING, local.name()));
        own.addAll(machines.findIdsByStateOnNode(MachineState.UNKNOWN, local.name()));
        return own;
    }
}
