package dev.diskfleet.provisioning.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The result document of a fleet operation: one entry per machine it made or touched, kept current while
 * it runs (progress per machine) and final when it ends. {@code rolledBack} says a failed run removed
 * what it had made.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetOperationResult(UUID fleetId, UUID baseImageId, int size, List<Machine> machines, Boolean rolledBack) {

    public record Machine(int ordinal, String name, UUID machineId, String state) {
    }

    static FleetOperationResult start(UUID fleetId, UUID baseImageId, int size) {
        return new FleetOperationResult(fleetId, baseImageId, size, new ArrayList<>(), null);
    }

    FleetOperationResult with(Machine machine) {
        return with(List.of(machine));
    }

    /** These entries in place of those with the same ordinals: one copy and sort for a whole batch. */
    FleetOperationResult with(List<Machine> changed) {
        if (changed.isEmpty()) {
            return this;
        }
        Map<Integer, Machine> byOrdinal = new TreeMap<>();
        machines.forEach(m -> byOrdinal.put(m.ordinal(), m));
        changed.forEach(m -> byOrdinal.put(m.ordinal(), m));
        return new FleetOperationResult(fleetId, baseImageId, size, List.copyOf(byOrdinal.values()), rolledBack);
    }

    FleetOperationResult rolledBack(boolean everythingRemoved) {
        return new FleetOperationResult(fleetId, baseImageId, size, machines, everythingRemoved);
    }
}
