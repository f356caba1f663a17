package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetRules;
import dev.diskfleet.domain.fleet.FleetState;
import dev.diskfleet.provisioning.operation.OperationContext;
import dev.diskfleet.provisioning.replication.ImageReplicator;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * This node's share of a fleet another node deploys or scales: the members it was given, made here (their
 * disks in this node's storage root, on the fleet's base, copied here first from a node that holds it if this
 * node has none), all or none; and removing members that live here.
 */
@Service
public class FleetShare {

    /** What one node asks another for: the members {@code ordinals} of a fleet, made there, started if asked. */
    public record Members(List<Integer> ordinals, boolean start) {
    }

    /** What one node asks another to remove: members that node holds. */
    public record Removal(List<UUID> machineIds) {
    }

    private static final Logger log = LoggerFactory.getLogger(FleetShare.class);
    private static final OperationContext UNREPORTED = new OperationContext() {
        @Override
        public UUID operationId() {
            return null;
        }

        @Override
        public void progress(int percent) {
        }

        @Override
        public void result(Object result) {
        }

        @Override
        public void report(int percent, Object result) {
        }
    };

    private final FleetCatalog fleets;
    private final FleetWork work;
    private final FleetMembers members;
    private final ImageReplicator replicator;

    FleetShare(FleetCatalog fleets, FleetWork work, FleetMembers members, ImageReplicator replicator) {
        this.fleets = fleets;
        this.work = work;
        this.members = members;
        this.replicator = replicator;
    }

    /** Makes the members {@code ordinals} here and starts them if asked; on any failure removes what it made. */
    public List<FleetOperationResult.Machine> make(UUID fleetId, List<Integer> ordinals, boolean start) {
        Fleet fleet = fleets.require(fleetId);
        if (fleet.getState() != FleetState.PROVISIONING && fleet.getState() != FleetState.SCALING) {
            throw FleetRules.busy(fleet, "make members of");
        }
        replicator.ensureLocal(fleet.getBaseImageId());
        List<FleetMembers.Member> made = new ArrayList<>();
        try {
            work.makeMembers(fleet, ordinals, made, new AtomicReference<>(FleetOperationResult.start(fleetId,
                    fleet.getBaseImageId(), fleet.getSize())), UNREPORTED, 0, 100);
            List<FleetOperationResult.Machine> answer = new ArrayList<>();
            for (FleetMembers.Member member : made) {
                answer.add((start ? members.start(member) : member).asResult());
            }
            return answer;
        } catch (RuntimeException e) {
            log.warn("making members {} of fleet {} failed after {}; removing them", ordinals, fleetId, made.size());
            made.forEach(member -> members.remove(member.machineId()));
            throw e;
        }
    }

    /** Removes these members, which live here: stopped if running, then deleted with their disks. */
    public void remove(UUID fleetId, List<UUID> machineIds) {
        for (UUID machineId : machineIds) {
            members.remove(machineId);
        }
    }
}
