package dev.diskfleet.provisioning;

import dev.diskfleet.domain.image.ImageLocation;
import dev.diskfleet.domain.image.ImageLocationRepository;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.storage.ImageStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A database transaction with a journal of the image files it makes and removes, so that files and rows
 * change together: a file made inside the transaction is deleted again when the transaction rolls back
 * (no file without its row), and a file whose row the transaction deletes is removed only once the
 * deletion is committed (no row pointing at a missing file). Both happen when the transaction really
 * completes, so work may also join a caller's transaction (a fleet provisioner's). Work inside should
 * check every rule and flush its rows before it does anything to a file that cannot be undone (merge,
 * reset), so that those come last.
 */
@Component
public class DiskTransaction {

    private static final Logger log = LoggerFactory.getLogger(DiskTransaction.class);

    private final ImageStore store;
    private final TransactionTemplate tx;
    private final FileIntents intents;
    private final ImageRepository images;
    private final ImageLocationRepository locations;
    private final LocalNode node;

    public DiskTransaction(ImageStore store, PlatformTransactionManager transactions, FileIntents intents,
            ImageRepository images, ImageLocationRepository locations, LocalNode node) {
        this.store = store;
        this.tx = new TransactionTemplate(transactions);
        this.intents = intents;
        this.images = images;
        this.locations = locations;
        this.node = node;
    }

    /**
     * What the work does to files, for the commit or rollback to finish. Every file change is declared as an
     * intent (committed at once, in its own transaction) before it happens, so a kill at any point is
     * settled by {@link FileIntents#recover} at the next start.
     */
    public final class Journal {

        private final List<UUID> made = new ArrayList<>();
        private final List<UUID> toDelete = new ArrayList<>();
        private final List<UUID[]> mergedChildren = new ArrayList<>();
        private final List<UUID> toReset = new ArrayList<>();
        private final List<UUID> declared = new ArrayList<>();

        /** Call before making the file of a row this transaction inserts; then {@link #made}. */
        public void willMake(UUID imageId) {
            declare("make", imageId);
        }

        /**
         * A file that was just published for a row this transaction inserts; its intent was declared before
         * it was made, by {@link #willMake} or by the caller ({@link FileIntents#declare}, for a batch).
         */
        public void made(UUID imageId) {
            declared.add(imageId);
            made.add(imageId);
        }

        /** A file whose row this transaction deletes: removed once the deletion is committed. */
        public void deleteAfterCommit(UUID imageId) {
            declare("remove", imageId);
            toDelete.add(imageId);
        }

        /**
         * A child merged into its parent (its file kept, see {@link ImageStore#mergeIntoParentKeepingChild}),
         * whose row this transaction deletes: its file goes once the deletion is committed.
         */
        public void deleteMergedChildAfterCommit(UUID childId, UUID parentId) {
            intents.declareMergedChild(childId, parentId);
            declared.add(childId);
            mergedChildren.add(new UUID[] {childId, parentId});
        }

        /** A differencing image to empty once the transaction commits (a restore), redone by recovery if cut short. */
        public void resetAfterCommit(UUID imageId) {
            intents.declareWithCurrentTransaction("reset", List.of(imageId));
            declared.add(imageId);
            toReset.add(imageId);
        }

        private void declare(String action, UUID imageId) {
            intents.declare(action, List.of(imageId));
            declared.add(imageId);
        }
    }

    public <T> T run(Function<Journal, T> work) {
        return tx.execute(status -> {
            Journal files = new Journal();
            CrashPoints.reach("disk-transaction.begun");
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    recordLocations(files);
                }

                @Override
                public void afterCompletion(int outcome) {
                    finish(files, outcome);
                }
            });
            return work.apply(files);
        });
    }

    /**
     * The files made here are in this node's storage root: their rows say so, in the same commit. Three
     * statements for any number of files (a fleet's batch): the images recorded, those already located here,
     * the inserts (batched).
     */
    private void recordLocations(Journal files) {
        if (files.made.isEmpty()) {
            return;
        }
        Set<UUID> unlocated = new HashSet<>(images.findIdsIn(files.made));
        unlocated.removeAll(locations.findImageIdsAt(node.name(), files.made));
        locations.saveAll(files.made.stream().filter(unlocated::contains).map(id -> new ImageLocation(id, node.name()))
                .toList());
        locations.flush();
    }

    private void finish(Journal files, int outcome) {
        if (outcome == TransactionSynchronization.STATUS_COMMITTED) {
            CrashPoints.reach("disk-transaction.committed");
            try {
                files.toReset.forEach(id -> {
                    store.reset(id);
                    CrashPoints.reach("disk-transaction.reset-done");
                });
                files.mergedChildren.forEach(pair -> {
                    CrashPoints.reach("disk-transaction.before-merged-child-delete");
                    store.delete(pair[0]);
                    // The parent's stamp is still the one the child recorded: recovery renews it if a kill lands here.
                    CrashPoints.reach("disk-transaction.merged-child-deleted");
                    store.deleteMergedChild(pair[0], pair[1]);
                });
            } catch (RuntimeException e) {
                // The intents stay open: the next start redoes the reset, removes the merged child and renews
                // its parent's stamp.
                log.error("file work after a commit failed; startup recovery finishes it", e);
                return;
            }
            files.toDelete.forEach(id -> {
                CrashPoints.reach("disk-transaction.before-file-delete");
                deleteQuietly(id, "its row was deleted");
            });
        } else if (outcome == TransactionSynchronization.STATUS_ROLLED_BACK) {
            files.made.forEach(id -> deleteQuietly(id, "its row was not committed"));
        }
        if (outcome != TransactionSynchronization.STATUS_UNKNOWN) {
            // Inside the completion callback: settle now (a callback registered here would never run).
            intents.settleNow(files.declared);
        } else if (!files.made.isEmpty() || !files.toDelete.isEmpty()) {
            log.error("the outcome of a transaction is unknown; image files {} (made) and {} (to delete) are left"
                    + " as they are, and startup reconciliation will report any mismatch", files.made, files.toDelete);
        }
    }

    private void deleteQuietly(UUID id, String why) {
        try {
            store.delete(id);
        } catch (RuntimeException e) {
            log.warn("image file {} could not be removed after {}; it is now an orphan file", id, why, e);
        }
    }
}
