package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.fleet.Fleet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Which fleets have a power action (start, stop, reset) running on their members, and which a delete or a
 * scale has to itself. The fleet's state cannot say this alone: a power action checks that the fleet is
 * ready and then works member by member, so a delete or scale claimed in between would remove machines
 * the action is starting, and a delete would fail half-way, leaving the fleet {@code deleting}. Power
 * actions may overlap (each machine has its own power lock); a delete or scale runs alone. Whoever comes
 * second is refused with 409 at once rather than queued. One process per storage root (StorageRootLock),
 * so a registry in this process is enough.
 */
@Component
public class FleetActivity {

    private final Map<UUID, Integer> powerActions = new HashMap<>();
    private final Set<UUID> exclusive = new HashSet<>();

    /** Registers a power action on {@code fleet}; refused while a delete or scale has it. */
    public synchronized void beginPower(Fleet fleet, String action) {
        if (exclusive.contains(fleet.getId())) {
            throw busy(fleet, action, "it is being scaled or deleted");
        }
        powerActions.merge(fleet.getId(), 1, Integer::sum);
    }

    public synchronized void endPower(UUID fleetId) {
        powerActions.computeIfPresent(fleetId, (id, count) -> count == 1 ? null : count - 1);
    }

    /** Gives a delete or scale the fleet to itself; refused while anything else works on it. */
    public synchronized void beginExclusive(Fleet fleet, String action) {
        if (exclusive.contains(fleet.getId())) {
            throw busy(fleet, action, "it is already being scaled or deleted");
        }
        if (powerActions.containsKey(fleet.getId())) {
            throw busy(fleet, action, "a start, stop or reset is running on its machines");
        }
        exclusive.add(fleet.getId());
    }

    public synchronized void endExclusive(UUID fleetId) {
        exclusive.remove(fleetId);
    }

    private static ConflictException busy(Fleet fleet, String action, String why) {
        return new ConflictException("fleet-busy", "cannot " + action + " fleet " + fleet.getName() + " ("
                + fleet.getId() + "): " + why + "; retry when that has finished");
    }
}
