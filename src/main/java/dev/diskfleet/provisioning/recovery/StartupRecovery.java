package dev.diskfleet.provisioning.recovery;

import dev.diskfleet.provisioning.idempotency.IdempotencyStore;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.provisioning.fleet.FleetWarmUp;
import dev.diskfleet.provisioning.fleet.FleetWork;
import dev.diskfleet.provisioning.guest.GuestAdoption;
import dev.diskfleet.provisioning.image.StorageReconciler;
import dev.diskfleet.provisioning.node.NodeMembership;
import dev.diskfleet.provisioning.nodeloss.StaleFiles;
import dev.diskfleet.provisioning.operation.OperationRunner;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * What a stopped process left behind, put right once at startup: after every bean exists and before the
 * web server accepts a request, so nothing this start begins can be mistaken for a leftover. The steps
 * run in this order, each relying on the ones before. In a cluster a node takes only what it left: the
 * operations, file intents and idempotency claims that name it (or no node, from before rows named one),
 * and the fleets no other node is changing; what another live node runs goes on there.
 * <ol>
 *   <li>this process takes its place among the nodes of the database, or stops there when a live process
 *       holds it (nothing below may touch another process's files or guests);</li>
 *   <li>temporary files of interrupted uploads, clones and exports are removed (no file is being written);</li>
 *   <li>this node's operations still queued or running are marked failed (their partial files went in
 *       step 2);</li>
 *   <li>machines recorded running get their guests back: each guest still running is adopted (its pid
 *       and monitor found in its run directory, its identity checked), the others' machines are powered
 *       off, and the run directories of deleted machines are removed (before step 5, which may stop and
 *       delete machines of interrupted fleets); in a cluster only this node's machines are taken, and a guest
 *       still running here of a machine that was started on another node while this one was lost is powered
 *       off, and then that machine's old disk, recorded stale, is removed (before step 7, which would report
 *       it an orphan);</li>
 *   <li>fleets cut short are finished: one still provisioning or deleting is removed with its machines,
 *       disks and base, one still scaling keeps its complete members (their operations failed in step 3); in a
 *       cluster a fleet whose operation another node runs is left to it, and a removal holds the fleet's
 *       delete lock, so it never runs alongside another node's delete;</li>
 *   <li>this node's open intent records are settled: a file an interrupted change made or was removing
 *       stays exactly when an image row names it, and a restore that committed has its disk emptied
 *       (after step 5, whose removals declare intents of their own);</li>
 *   <li>rows and files are matched: a missing file shows its image inaccessible, files no row knows are
 *       reported as orphans (after steps 5 and 6, which deleted the unrecorded disks of interrupted fleets
 *       and settled interrupted file changes);</li>
 *   <li>idempotency keys claimed by this node's requests that died with the process are released;</li>
 *   <li>not a repair: a fleet deployment is run once on scratch files and rolled back ({@link FleetWarmUp}),
 *       last, so that it meets a database already put right, and before the first request.</li>
 * </ol>
 */
@Component
public class StartupRecovery implements SmartInitializingSingleton {

    private final StorageReconciler storage;
    private final OperationRunner operations;
    private final FleetWork fleets;
    private final IdempotencyStore idempotencyKeys;
    private final GuestAdoption guests;
    private final FileIntents intents;
    private final NodeMembership node;
    private final StaleFiles staleFiles;
    private final FleetWarmUp warmUp;

    public StartupRecovery(StorageReconciler storage, OperationRunner operations, FleetWork fleets,
            IdempotencyStore idempotencyKeys, GuestAdoption guests, FileIntents intents, NodeMembership node,
            StaleFiles staleFiles, FleetWarmUp warmUp) {
        this.warmUp = warmUp;
        this.node = node;
        this.staleFiles = staleFiles;
        this.intents = intents;
        this.storage = storage;
        this.operations = operations;
        this.fleets = fleets;
        this.idempotencyKeys = idempotencyKeys;
        this.guests = guests;
    }

    @Override
    public void afterSingletonsInstantiated() {
        run();
    }

    /**
     * The steps above, in order; public so a test can run them again after making a mess on purpose. A kill
     * anywhere in them (the crash harness kills at the points between them, and at those inside) leaves
     * what the next start's run finishes: each step redoes whatever part of its work is still to do.
     */
    public void run() {
        node.join();
        storage.removeTemporaryFiles();
        CrashPoints.reach("recovery.temporary-files-removed");
        operations.failInterruptedOperations();
        CrashPoints.reach("recovery.operations-failed");
        guests.adoptRunningGuests();
        staleFiles.removeHere();
        CrashPoints.reach("recovery.guests-adopted");
        fleets.recoverInterrupted();
        CrashPoints.reach("recovery.fleets-recovered");
        intents.recover();
        CrashPoints.reach("recovery.intents-settled");
        storage.reconcile();
        CrashPoints.reach("recovery.reconciled");
        idempotencyKeys.releaseInterruptedClaims();
        CrashPoints.startupRecovered();
        warmUp.run();
    }
}
