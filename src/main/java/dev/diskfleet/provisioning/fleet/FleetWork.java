package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.provisioning.ClusterJobs;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetRepository;
import dev.diskfleet.domain.fleet.FleetState;
import dev.diskfleet.provisioning.operation.OperationContext;
import dev.diskfleet.provisioning.operation.OperationFailure;
import dev.diskfleet.provisioning.operation.OperationOutcome;
import dev.diskfleet.provisioning.operation.OperationRunner;
import dev.diskfleet.provisioning.replication.ImageReplicator;
import dev.diskfleet.storage.ImageSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The long parts of fleet changes, run as operations. Their promise: a run either completes, or fails
 * with everything it made removed — no machine without its disk, no disk without its machine, no
 * orphan file, no half-recorded fleet. A deployment records the fleet (PROVISIONING, base UUID chosen)
 * before making anything, and members (machine, disk, membership) are committed in batches, each
 * batch in one transaction, so even a killed process leaves only what the next start can find and
 * remove: the fleet's recorded members, its base, and at most two batches of disk files published but
 * never committed (the current one and the next, made ahead; unrecorded children of the base).
 */
@Component
public class FleetWork {

    private static final Logger log = LoggerFactory.getLogger(FleetWork.class);
    private static final int CLONE_SHARE = 40;
    private static final int MACHINES_SHARE = 55;
    /**
     * Members made per transaction. Each batch costs one folder force and one commit instead of one per
     * machine; a failure loses at most one batch's work before the rollback, which removes it all anyway.
     */
    private static final int BATCH = 25;
    private static final int LARGEST_BATCH = 250;

    private final FleetRepository fleets;
    private final FleetCatalog fleetService;
    private final FleetBase base;
    private final FleetMembers members;
    private final FleetMemberHook hook;
    private final TransactionTemplate tx;
    private final FleetNodes nodes;
    private final ImageReplicator replicator;
    private final OperationRunner operations;
    private final ClusterJobs clusterLocks;
    private final boolean cluster;

    FleetWork(FleetRepository fleets, FleetCatalog fleetService, FleetBase base, FleetMembers members,
            ObjectProvider<FleetMemberHook> hook, PlatformTransactionManager transactions, FleetNodes nodes,
            ImageReplicator replicator, OperationRunner operations, ClusterJobs clusterLocks,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        this.operations = operations;
        this.clusterLocks = clusterLocks;
        this.cluster = cluster;
        this.nodes = nodes;
        this.replicator = replicator;
        this.fleets = fleets;
        this.fleetService = fleetService;
        this.base = base;
        this.members = members;
        this.hook = hook.getIfAvailable(() -> FleetMemberHook.NONE);
        this.tx = new TransactionTemplate(transactions);
    }

    /** Deploys the fleet with member {@code i + 1} on {@code placed.get(i)}. */
    OperationOutcome deploy(UUID id, boolean start, List<String> placed, OperationContext context) {
        Fleet fleet = fleetService.require(id);
        int size = fleet.getSize();
        AtomicReference<FleetOperationResult> result =
                new AtomicReference<>(FleetOperationResult.start(id, fleet.getBaseImageId(), size));
        List<FleetMembers.Member> made = new ArrayList<>();
        try {
            base.make(fleet, (done, total) -> context.progress(share(done, total, 0, CLONE_SHARE)));
            CrashPoints.reach("fleet-deploy.base-made");
            List<Integer> ordinals = IntStream.rangeClosed(1, size).boxed().toList();
            makeOnNodes(fleet, ordinals, placed, start, made, result, context, CLONE_SHARE, MACHINES_SHARE);
            if (start) {
                for (FleetMembers.Member member : made) {
                    result.set(result.get().with(members.start(member).asResult()));
                    context.result(result.get());
                    CrashPoints.reach("fleet-deploy.member-started");
                }
            }
            CrashPoints.reach("fleet-deploy.before-ready");
            finish(id, size);
            return new OperationOutcome("/api/fleets/" + id, result.get());
        } catch (RuntimeException e) {
            log.warn("deploying fleet {} failed after {} of {} machines; removing what it made on every node", id,
                    result.get().machines().size(), size);
            throw new OperationFailure(e, result.get().rolledBack(rollBack(id)));
        }
    }

    /** Scales to {@code size}; members a scale-up adds go on {@code placed} (one node per new member). */
    OperationOutcome scale(UUID id, int size, List<String> placed, OperationContext context) {
        Fleet fleet = fleetService.require(id);
        List<FleetMachine> current = fleetService.members(id);
        AtomicReference<FleetOperationResult> result =
                new AtomicReference<>(FleetOperationResult.start(id, fleet.getBaseImageId(), size));
        List<FleetMembers.Member> added = new ArrayList<>();
        try {
            if (size > current.size()) {
                List<Integer> ordinals = fleetService.freeOrdinals(fleet, size - current.size());
                makeOnNodes(fleet, ordinals, placed, false, added, result, context, 0, 100);
            } else {
                List<FleetMachine> leaving = new ArrayList<>(current.subList(size, current.size()));
                Collections.reverse(leaving);
                int removed = 0;
                for (FleetMachine member : leaving) {
                    removeAllOrFail(id, List.of(member.getMachineId()));
                    result.set(result.get().with(new FleetOperationResult.Machine(member.getOrdinal(),
                            fleet.machineName(member.getOrdinal()), member.getMachineId(), "removed")));
                    context.result(result.get());
                    context.progress(share(++removed, leaving.size(), 0, 100));
                    CrashPoints.reach("fleet-scale.member-removed");
                }
            }
            CrashPoints.reach("fleet-scale.before-ready");
            finish(id, size);
            return new OperationOutcome("/api/fleets/" + id, result.get());
        } catch (RuntimeException e) {
            // Scaling up is undone; machines a scale-down already removed stay removed, and the fleet
            // keeps the consistent members it has.
            boolean undone = removeAll(id, fleetService.members(id).stream().map(FleetMachine::getMachineId)
                    .filter(machine -> !current.stream().anyMatch(kept -> kept.getMachineId().equals(machine)))
                    .toList());
            finish(id, fleetService.members(id).size());
            throw new OperationFailure(e, result.get().rolledBack(undone));
        }
    }

    /**
     * Makes the members {@code ordinals}, each on its node ({@code placed}, one per ordinal): this node's here
     * (after copying the base here if another node holds it), then each other node's share by asking that node,
     * one node at a time. {@code made} gets this node's members, which this node starts if asked; the other
     * nodes start theirs. Every member made anywhere is in {@code result} and in the fleet's rows, so a failure
     * removes them all.
     */
    private void makeOnNodes(Fleet fleet, List<Integer> ordinals, List<String> placed, boolean start,
            List<FleetMembers.Member> made, AtomicReference<FleetOperationResult> result, OperationContext context,
            int from, int width) {
        int total = ordinals.size();
        int done = 0;
        for (Map.Entry<String, List<Integer>> share : nodes.byNode(ordinals, placed).entrySet()) {
            List<Integer> theirs = share.getValue();
            int shareWidth = width * theirs.size() / Math.max(1, total);
            if (share.getKey().equals(nodes.localNode())) {
                replicator.ensureLocal(fleet.getBaseImageId());
                makeMembers(fleet, theirs, made, result, context, from + width * done / Math.max(1, total),
                        shareWidth);
            } else {
                for (FleetOperationResult.Machine member : nodes.makeOn(share.getKey(), fleet, theirs, start)) {
                    result.set(result.get().with(member));
                }
                context.report(from + width * (done + theirs.size()) / Math.max(1, total), result.get());
            }
            done += theirs.size();
        }
    }

    /**
     * Makes the members {@code ordinals} in batches ({@link #batchSize}), each batch one transaction: a batch
     * commits whole or leaves nothing. The next batch's disk files are made while the current batch's rows
     * are written, and removed again if the current batch fails. {@code made} gets the committed members.
     * {@code result} lists each member as soon as its batch's rows are written, so that a failed run reports every
     * machine it made, including those its rollback took back.
     */
    void makeMembers(Fleet fleet, List<Integer> ordinals, List<FleetMembers.Member> made,
            AtomicReference<FleetOperationResult> result, OperationContext context, int from, int width) {
        int total = ordinals.size();
        int batchSize = batchSize(total);
        CompletableFuture<List<ImageSummary>> next = members.prepareDisks(fleet, Math.min(batchSize, total));
        for (int start = 0; start < total; start += batchSize) {
            List<Integer> batch = ordinals.subList(start, Math.min(total, start + batchSize));
            List<ImageSummary> disks = FleetMembers.await(next);
            int following = Math.min(batchSize, total - start - batch.size());
            next = following > 0 ? members.prepareDisks(fleet, following) : null;
            AtomicInteger count = new AtomicInteger(made.size());
            List<FleetOperationResult.Machine> written = new ArrayList<>();
            try {
                made.addAll(members.createAll(fleet, batch, disks, member -> {
                    written.add(member.asResult());
                    hook.memberWritten(count.incrementAndGet(), total);
                }));
            } catch (RuntimeException e) {
                members.discard(next);
                throw e;
            } finally {
                result.set(result.get().with(written));
            }
            CrashPoints.reach("fleet.batch-committed");
            context.result(result.get());
            context.progress(share(made.size(), total, from, width));
        }
    }

    /**
     * {@link #BATCH} members per transaction, more for a larger fleet (half of it, up to {@link #LARGEST_BATCH}):
     * each batch has a fixed cost (its commits, its intents, its result document), and a fleet of more than one
     * batch still gets at least two, so that the next one's files are made while the current one's rows are written.
     */
    static int batchSize(int total) {
        return Math.max(BATCH, Math.min(LARGEST_BATCH, total / 2));
    }

    /**
     * Removes every member (stopped first), the base and the fleet's row; returns whether all went.
     * {@code percent} hears the progress, machine by machine.
     */
    boolean removeEverything(UUID id, IntConsumer percent) {
        Fleet fleet = fleets.findById(id).orElse(null);
        if (fleet == null) {
            return true;
        }
        List<UUID> machines = new ArrayList<>(fleetService.members(id).stream().map(FleetMachine::getMachineId).toList());
        Collections.reverse(machines);
        if (!removeAll(id, machines, done -> percent.accept(share(done, machines.size(), 0, 95)))) {
            return false;
        }
        CrashPoints.reach("fleet-delete.members-removed");
        base.remove(fleet);
        CrashPoints.reach("fleet-delete.base-removed");
        tx.executeWithoutResult(status -> fleets.findById(id).ifPresent(fleets::delete));
        return true;
    }

    /**
     * At startup (before the web server accepts requests) nothing of this node runs: a fleet still PROVISIONING
     * or DELETING was cut short by a stopped process and is removed entirely; one still SCALING keeps the
     * complete members it has. In a cluster another node may be changing a fleet now: one whose operation
     * another node still runs is left to that node, and a removal holds the fleet's delete lock
     * ({@code fleet-delete:<id>}, as a delete does), so it never runs alongside a delete on another node
     * (a fleet whose lock another node holds is left as it is).
     */
    public void recoverInterrupted() {
        for (Fleet fleet : fleets.findByStateIn(List.of(FleetState.PROVISIONING, FleetState.DELETING))) {
            if (anotherNodeRuns(fleet)) {
                continue;
            }
            Runnable removal = () -> {
                log.warn("fleet {} ({}) was {} when the service stopped; removing it", fleet.getName(), fleet.getId(),
                        ApiNames.of(fleet.getState()));
                base.removeUnrecordedChildren(fleet);
                rollBack(fleet.getId());
            };
            if (!cluster) {
                removal.run();
            } else if (!clusterLocks.runOnce("fleet-delete:" + fleet.getId(), removal)) {
                log.info("fleet {} ({}) is {}: another node holds its delete lock, so that node removes it",
                        fleet.getName(), fleet.getId(), ApiNames.of(fleet.getState()));
            }
        }
        for (Fleet fleet : fleets.findByStateIn(List.of(FleetState.SCALING))) {
            if (anotherNodeRuns(fleet)) {
                continue;
            }
            log.warn("fleet {} ({}) was scaling when the service stopped; keeping its complete members",
                    fleet.getName(), fleet.getId());
            base.removeUnrecordedChildren(fleet);
            finish(fleet.getId(), fleetService.members(fleet.getId()).size());
        }
    }

    private boolean anotherNodeRuns(Fleet fleet) {
        boolean theirs = operations.runsOnAnotherNode(fleet.getId());
        if (theirs) {
            log.info("fleet {} ({}) is {}: another node runs its operation, so that node finishes it",
                    fleet.getName(), fleet.getId(), ApiNames.of(fleet.getState()));
        }
        return theirs;
    }

    private boolean rollBack(UUID id) {
        try {
            tx.executeWithoutResult(status -> fleets.findById(id).ifPresent(fleet -> {
                fleet.moveTo(FleetState.DELETING);
                fleets.saveAndFlush(fleet);
            }));
            return removeEverything(id, percent -> { });
        } catch (RuntimeException e) {
            log.error("could not remove everything fleet {} made; it stays DELETING and is retried at the next start"
                    + " or by DELETE /api/fleets/{}", id, id, e);
            return false;
        }
    }

    /**
     * Removes the machines, each on its node: this node's here, the others' by asking their node. Returns whether
     * all went; {@code progress} hears how many are done.
     */
    private boolean removeAll(UUID fleetId, List<UUID> machines) {
        return removeAll(fleetId, machines, done -> { });
    }

    private boolean removeAll(UUID fleetId, List<UUID> machines, IntConsumer progress) {
        boolean all = true;
        int done = 0;
        for (Map.Entry<String, List<UUID>> share : nodes.holders(machines).entrySet()) {
            if (!share.getKey().equals(nodes.localNode())) {
                try {
                    nodes.removeOn(share.getKey(), fleetId, share.getValue());
                } catch (RuntimeException e) {
                    log.error("could not remove machines {} on node {}", share.getValue(), share.getKey(), e);
                    all = false;
                }
                done += share.getValue().size();
                progress.accept(done);
                continue;
            }
            for (UUID machine : share.getValue()) {
                try {
                    members.remove(machine);
                } catch (RuntimeException e) {
                    log.error("could not remove machine {}", machine, e);
                    all = false;
                }
                progress.accept(++done);
            }
        }
        return all;
    }

    private void removeAllOrFail(UUID fleetId, List<UUID> machines) {
        Map<String, List<UUID>> holders = nodes.holders(machines);
        for (Map.Entry<String, List<UUID>> share : holders.entrySet()) {
            if (share.getKey().equals(nodes.localNode())) {
                share.getValue().forEach(members::remove);
            } else {
                nodes.removeOn(share.getKey(), fleetId, share.getValue());
            }
        }
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
