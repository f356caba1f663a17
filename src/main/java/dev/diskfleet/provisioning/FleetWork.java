package dev.diskfleet.provisioning;

import dev.diskfleet.fleet.Fleet;
import dev.diskfleet.fleet.FleetMachine;
import dev.diskfleet.fleet.FleetRepository;
import dev.diskfleet.fleet.FleetService;
import dev.diskfleet.fleet.FleetState;
import dev.diskfleet.operation.OperationContext;
import dev.diskfleet.operation.OperationFailure;
import dev.diskfleet.operation.OperationOutcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The long parts of fleet changes, run as operations. Their promise: a run either completes, or fails
 * with everything it made removed — no machine without its disk, no disk without its machine, no
 * orphan file, no half-recorded fleet. A deployment records the fleet (PROVISIONING, base UUID chosen)
 * before making anything, and each member (machine, disk, membership) is committed in one transaction,
 * so even a killed process leaves only what the next start can find and remove: the fleet's recorded
 * members, its base, and at most a disk file published but never committed (an unrecorded child of
 * the base).
 */
@Component
class FleetWork implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FleetWork.class);
    private static final int CLONE_SHARE = 40;
    private static final int MACHINES_SHARE = 55;

    private final FleetRepository fleets;
    private final FleetService fleetService;
    private final FleetBase base;
    private final FleetMembers members;
    private final FleetFaultInjector faults;
    private final TransactionTemplate tx;

    FleetWork(FleetRepository fleets, FleetService fleetService, FleetBase base, FleetMembers members,
            ObjectProvider<FleetFaultInjector> faults, PlatformTransactionManager transactions) {
        this.fleets = fleets;
        this.fleetService = fleetService;
        this.base = base;
        this.members = members;
        this.faults = faults.getIfAvailable(() -> FleetFaultInjector.NONE);
        this.tx = new TransactionTemplate(transactions);
    }

    OperationOutcome deploy(UUID id, boolean start, OperationContext context) {
        Fleet fleet = fleetService.require(id);
        int size = fleet.getSize();
        FleetOperationResult result = FleetOperationResult.start(id, fleet.getBaseImageId(), size);
        List<FleetMembers.Member> made = new ArrayList<>();
        try {
            base.make(fleet, (done, total) -> context.progress(share(done, total, 0, CLONE_SHARE)));
            for (int ordinal = 1; ordinal <= size; ordinal++) {
                FleetMembers.Member member = members.create(fleet, ordinal);
                made.add(member);
                result = result.with(member.asResult());
                context.result(result);
                context.progress(share(ordinal, size, CLONE_SHARE, MACHINES_SHARE));
                faults.afterMachine(ordinal, size);
            }
            if (start) {
                for (FleetMembers.Member member : made) {
                    result = result.with(members.start(member).asResult());
                    context.result(result);
                }
            }
            finish(id, size);
            return new OperationOutcome("/api/fleets/" + id, result);
        } catch (RuntimeException e) {
            log.warn("deploying fleet {} failed after {} of {} machines; removing what it made", id, made.size(), size);
            throw new OperationFailure(e, result.rolledBack(rollBack(id)));
        }
    }

    OperationOutcome scale(UUID id, int size, OperationContext context) {
        Fleet fleet = fleetService.require(id);
        List<FleetMachine> current = fleetService.members(id);
        FleetOperationResult result = FleetOperationResult.start(id, fleet.getBaseImageId(), size);
        List<FleetMembers.Member> added = new ArrayList<>();
        try {
            if (size > current.size()) {
                List<Integer> ordinals = fleetService.freeOrdinals(fleet, size - current.size());
                for (int ordinal : ordinals) {
                    FleetMembers.Member member = members.create(fleet, ordinal);
                    added.add(member);
                    result = result.with(member.asResult());
                    context.result(result);
                    context.progress(share(added.size(), ordinals.size(), 0, 100));
                    faults.afterMachine(added.size(), ordinals.size());
                }
            } else {
                List<FleetMachine> leaving = new ArrayList<>(current.subList(size, current.size()));
                Collections.reverse(leaving);
                int removed = 0;
                for (FleetMachine member : leaving) {
                    members.remove(member.getMachineId());
                    result = result.with(new FleetOperationResult.Machine(member.getOrdinal(),
                            fleet.machineName(member.getOrdinal()), member.getMachineId(), "removed"));
                    context.result(result);
                    context.progress(share(++removed, leaving.size(), 0, 100));
                }
            }
            finish(id, size);
            return new OperationOutcome("/api/fleets/" + id, result);
        } catch (RuntimeException e) {
            // Scaling up is undone; machines a scale-down already removed stay removed, and the fleet
            // keeps the consistent members it has.
            boolean undone = removeAll(added.stream().map(FleetMembers.Member::machineId).toList());
            finish(id, fleetService.members(id).size());
            throw new OperationFailure(e, result.rolledBack(undone));
        }
    }

    /** Removes every member (stopped first), the base and the fleet's row; returns whether all went. */
    boolean removeEverything(UUID id) {
        Fleet fleet = fleets.findById(id).orElse(null);
        if (fleet == null) {
            return true;
        }
        List<UUID> machines = new ArrayList<>(fleetService.members(id).stream().map(FleetMachine::getMachineId).toList());
        Collections.reverse(machines);
        if (!removeAll(machines)) {
            return false;
        }
        base.remove(fleet);
        tx.executeWithoutResult(status -> fleets.findById(id).ifPresent(fleets::delete));
        return true;
    }

    /** Runs before the web server accepts requests, so no fleet changed by this start is touched. */
    @Override
    public void afterSingletonsInstantiated() {
        recoverInterrupted();
    }

    /**
     * At startup nothing runs: a fleet still PROVISIONING or DELETING was cut short by a stopped process
     * and is removed entirely; one still SCALING keeps the complete members it has.
     */
    void recoverInterrupted() {
        for (Fleet fleet : fleets.findByStateIn(List.of(FleetState.PROVISIONING, FleetState.DELETING))) {
            log.warn("fleet {} ({}) was {} when the service stopped; removing it", fleet.getName(), fleet.getId(),
                    fleet.getState().name().toLowerCase());
            base.removeUnrecordedChildren(fleet);
            rollBack(fleet.getId());
        }
        for (Fleet fleet : fleets.findByStateIn(List.of(FleetState.SCALING))) {
            log.warn("fleet {} ({}) was scaling when the service stopped; keeping its complete members",
                    fleet.getName(), fleet.getId());
            base.removeUnrecordedChildren(fleet);
            finish(fleet.getId(), fleetService.members(fleet.getId()).size());
        }
    }

    private boolean rollBack(UUID id) {
        try {
            tx.executeWithoutResult(status -> fleets.findById(id).ifPresent(fleet -> {
                fleet.moveTo(FleetState.DELETING);
                fleets.saveAndFlush(fleet);
            }));
            return removeEverything(id);
        } catch (RuntimeException e) {
            log.error("could not remove everything fleet {} made; it stays DELETING and is retried at the next start"
                    + " or by DELETE /api/fleets/{}", id, id, e);
            return false;
        }
    }

    private boolean removeAll(List<UUID> machines) {
        boolean all = true;
        for (UUID machine : machines) {
            try {
                members.remove(machine);
            } catch (RuntimeException e) {
                log.error("could not remove machine {}", machine, e);
                all = false;
            }
        }
        return all;
    }

    private void finish(UUID id, int size) {
        tx.executeWithoutResult(status -> fleets.findById(id).ifPresent(fleet -> {
            fleet.resize(size);
            fleet.moveTo(FleetState.READY);
            fleets.saveAndFlush(fleet);
        }));
    }

    private static int share(long done, long total, int from, int width) {
        return total <= 0 ? from + width : (int) (from + width * Math.min(done, total) / total);
    }
}
