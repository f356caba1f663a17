package dev.diskfleet.domain.fleet;

import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.network.NetworkPlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rules of fleets that need no database: when a fleet may change, and which numbers new members get. */
public final class FleetRules {

    private FleetRules() {
    }

    /** Refuses to {@code action} a fleet that an operation is changing. */
    public static void requireReady(Fleet fleet, String action) {
        if (fleet.getState() != FleetState.READY) {
            throw busy(fleet, action);
        }
    }

    public static ConflictException busy(Fleet fleet, String action) {
        return new ConflictException("fleet-busy", "cannot " + action + " fleet " + fleet.getName() + " ("
                + fleet.getId() + "): it is " + ApiNames.of(fleet.getState())
                + "; wait for the operation changing it to finish, then retry");
    }

    /**
     * A fleet's forwards name no host port: every member gets host ports of its own, picked by the service,
     * and one named port could be only one member's.
     */
    public static void requireNoHostPorts(NetworkPlan members, String field) {
        for (int i = 0; i < members.forwards().size(); i++) {
            if (members.forwards().get(i).hostPort() != null) {
                throw new InvalidRequestException("invalid-network", field + ".forwards[" + i + "].hostPort: each member"
                        + " of a fleet gets a host port of its own; leave hostPort out");
            }
        }
    }

    /** The {@code count} lowest numbers no member has, so names stay {@code <prefix>-1 … <prefix>-N}. */
    public static List<Integer> freeOrdinals(Collection<FleetMachine> members, int count) {
        Set<Integer> taken = new HashSet<>();
        members.forEach(member -> taken.add(member.getOrdinal()));
        List<Integer> free = new ArrayList<>();
        for (int ordinal = 1; free.size() < count; ordinal++) {
            if (!taken.contains(ordinal)) {
                free.add(ordinal);
            }
        }
        return free;
    }
}
