package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.ExpectedVersion;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetRepository;
import dev.diskfleet.domain.fleet.FleetRules;
import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.domain.fleet.FleetState;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.image.ImageContent;
import dev.diskfleet.provisioning.network.HostPorts;
import dev.diskfleet.provisioning.ClusterJobs;
import dev.diskfleet.provisioning.node.NodePlacement;
import dev.diskfleet.domain.machine.MachineLimits;
import dev.diskfleet.domain.image.ImageUsage;
import dev.diskfleet.provisioning.operation.OperationOutcome;
import dev.diskfleet.provisioning.operation.OperationRunner;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Entry points for the fleet changes that touch machines, disks and files together: each checks its
 * rules at once (so a client gets its 4xx synchronously), records the fleet's new state, and hands the
 * long part to an operation run by {@link FleetWork}.
 */
@Service
public class FleetProvisioner {

    private final FleetRepository fleets;
    private final FleetCatalog fleetService;
    private final ImageContent content;
    private final ImageUsage imageUsage;
    private final FleetMembers members;
    private final FleetWork work;
    private final OperationRunner runner;
    private final FreeSpace freeSpace;
    private final TransactionTemplate tx;
    /**
     * Keeps a delete or scale from overlapping another, or a power action on the members. A fleet left
     * DELETING by a failed delete may be deleted again, so the state alone cannot keep two deletes apart.
     */
    private final FleetActivity activity;
    private final HostPorts hostPorts;
    private final NodePlacement placement;
    private final ClusterJobs clusterLocks;

    public FleetProvisioner(FleetRepository fleets, FleetCatalog fleetService, ImageContent content,
            ImageUsage imageUsage, FleetMembers members, FleetWork work, OperationRunner runner, FreeSpace freeSpace,
            PlatformTransactionManager transactions, FleetActivity activity, HostPorts hostPorts,
            NodePlacement placement, ClusterJobs clusterLocks) {
        this.clusterLocks = clusterLocks;
        this.hostPorts = hostPorts;
        this.placement = placement;
        this.activity = activity;
        this.freeSpace = freeSpace;
        this.fleets = fleets;
        this.fleetService = fleetService;
        this.content = content;
        this.imageUsage = imageUsage;
        this.members = members;
        this.work = work;
        this.runner = runner;
        this.tx = new TransactionTemplate(transactions);
    }

    /**
     * Records the fleet as PROVISIONING (with its base's UUID chosen: the golden's own if it is immutable,
     * else the clone's to come) and starts the deployment.
     */
    public Operation deploy(FleetPlan request) {
        FleetRules.requireNoHostPorts(request.network(), "network");
        members.checkCloudInit(request.cloudInit());
        Image golden = content.requireAccessible(request.goldenImageId());
        UUID base = FleetBase.plannedFor(golden);
        // Only a clone needs a still golden; an immutable golden used directly is never written by anyone.
        if (!base.equals(golden.getId())) {
            imageUsage.runningHolderOf(golden.getId()).ifPresent(machine -> {
                throw new ConflictException("image-in-use", "golden image " + golden.getId()
                        + " is in use by running machine " + machine + "; stop it first so the clone is consistent");
            });
        }
        if (fleets.existsByName(request.name())) {
            throw nameTaken(request.name());
        }
        if (!base.equals(golden.getId())) {
            // A cloned base is a full copy of the golden; the members' differencing disks are a few KiB each.
            freeSpace.require(freeSpace.copyEstimate(golden.getId()), "deploy fleet " + request.name());
        }
        Fleet planned = new Fleet(UUID.randomUUID(), request.name(), golden.getId(), base,
                request.size(), request.machineNamePrefix(), request.autoReset());
        planned.setMemberHardware(request.cpus(), request.memoryMb(), request.network());
        // Checked here so that a full range is a 409 at once; the members' transactions pick the ports.
        hostPorts.requireCapacity(request.size(), request.network(), "deploying fleet " + request.name());
        planned.setMemberCloudInit(request.cloudInit());
        members.requireNamesFree(IntStream.rangeClosed(1, request.size()).mapToObj(planned::machineName).toList());
        planned.setPlacement(request.placement());
        List<String> placed = placement.placeMembers(request.size(), memberMemoryMb(planned), request.placement(),
                "fleet " + request.name());
        Fleet fleet;
        try {
            fleet = tx.execute(status -> fleets.saveAndFlush(planned));
        } catch (DataIntegrityViolationException raced) {
            throw nameTaken(request.name());
        }
        boolean start = request.start();
        UUID id = fleet.getId();
        return runner.submit("fleet.deploy", id, context -> work.deploy(id, start, placed, context));
    }

    /**
     * Scales to {@code size}. Down removes the highest-numbered members; running ones only with
     * {@code force}, which stops them first.
     */
    public Operation scale(UUID id, int size, boolean force, ExpectedVersion expected) {
        Fleet fleet = fleetService.requireReady(id, "scale");
        expected.check(fleet.getVersion());
        List<FleetMachine> current = fleetService.members(id);
        List<String> placed = List.of();
        if (size < current.size()) {
            List<FleetMachine> leaving = current.subList(size, current.size());
            if (!force) {
                members.requireStopped(leaving, "scale fleet " + fleet.getName() + " down to " + size);
            }
        } else {
            freeSpace.require(0, "scale fleet " + fleet.getName() + " up");
            hostPorts.requireCapacity(size - current.size(), fleet.memberNetwork(),
                    "scaling fleet " + fleet.getName() + " up to " + size);
            members.requireNamesFree(fleetService.freeOrdinals(fleet, size - current.size()).stream()
                    .map(fleet::machineName).toList());
            placed = placement.placeMembers(size - current.size(), memberMemoryMb(fleet), fleet.getPlacement(),
                    "scaling fleet " + fleet.getName() + " up to " + size);
        }
        List<String> newMembersOn = placed;
        activity.beginExclusive(fleet, "scale");
        try {
            claim(id, "scale", Set.of(FleetState.READY), FleetState.SCALING, expected);
            return runner.submit("fleet.scale", id, context -> {
                try {
                    return work.scale(id, size, newMembersOn, context);
                } finally {
                    activity.endExclusive(id);
                }
            });
        } catch (RuntimeException e) {
            activity.endExclusive(id);
            throw e;
        }
    }

    /**
     * Records the fleet as DELETING and starts removing its machines, their disks, its base (unless that is
     * the golden) and its row; the golden stays. A run that cannot remove everything fails with 409
     * {@code fleet-delete-incomplete}: the fleet stays DELETING, and another DELETE finishes it.
     */
    public Operation delete(UUID id, boolean force, ExpectedVersion expected) {
        Fleet fleet = fleetService.require(id);
        expected.check(fleet.getVersion());
        if (fleet.getState() != FleetState.READY && fleet.getState() != FleetState.DELETING) {
            throw FleetRules.busy(fleet, "delete");
        }
        if (!force) {
            members.requireStopped(fleetService.members(id), "delete fleet " + fleet.getName());
        }
        activity.beginExclusive(fleet, "delete");
        try {
            // The activity keeps this node's deletes apart; across nodes the lock in the database lets one node at
            // a time accept a delete, and a delete is accepted only while no other of the fleet is queued or
            // running (a DELETING fleet may be deleted again, once the delete that failed has ended).
            Operation[] accepted = new Operation[1];
            boolean ran = clusterLocks.runOnce("fleet-delete:" + id, () -> {
                if (runner.inFlight("fleet.delete", id)) {
                    throw FleetRules.busy(fleetService.require(id), "delete");
                }
                claim(id, "delete", Set.of(FleetState.READY, FleetState.DELETING), FleetState.DELETING, expected);
                accepted[0] = runner.submit("fleet.delete", id, context -> {
                    try {
                        if (!work.removeEverything(id, context::progress)) {
                            throw new ConflictException("fleet-delete-incomplete", "fleet " + fleet.getName() + " ("
                                    + id + ") could not be removed entirely; it stays 'deleting': send the DELETE again");
                        }
                        return new OperationOutcome(null, null);
                    } finally {
                        activity.endExclusive(id);
                    }
                });
            });
            if (!ran) {
                throw FleetRules.busy(fleetService.require(id), "delete");
            }
            return accepted[0];
        } catch (RuntimeException e) {
            activity.endExclusive(id);
            throw e;
        }
    }

    /**
     * Moves the fleet to {@code to} if it is in one of the {@code allowed} states, checked again inside
     * the transaction (with the client's If-Match): of two requests racing for one fleet, the second sees the first's state (409
     * fleet-busy) or fails the version check (409 concurrent-update), never runs alongside it.
     */
    private void claim(UUID id, String action, Set<FleetState> allowed, FleetState to, ExpectedVersion expected) {
        tx.executeWithoutResult(status -> {
            Fleet fleet = fleetService.require(id);
            expected.check(fleet.getVersion());
            if (!allowed.contains(fleet.getState())) {
                throw FleetRules.busy(fleet, action);
            }
            fleet.moveTo(to);
            fleets.saveAndFlush(fleet);
        });
    }

    private static int memberMemoryMb(Fleet fleet) {
        return fleet.getMemberMemoryMb() == null ? MachineLimits.DEFAULT_MEMORY_MB : fleet.getMemberMemoryMb();
    }

    private static ConflictException nameTaken(String name) {
        return new ConflictException("fleet-name-taken", "a fleet named '" + name + "' already exists; choose another name");
    }
}
