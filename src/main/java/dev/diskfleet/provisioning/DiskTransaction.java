package dev.diskfleet.provisioning;

import dev.diskfleet.storage.ImageStore;
import java.util.ArrayList;
import java.util.List;
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

    public DiskTransaction(ImageStore store, PlatformTransactionManager transactions) {
        this.store = store;
        this.tx = new TransactionTemplate(transactions);
    }

    /** What the work did to files, for the commit or rollback to finish. */
    public static final class Journal {

        private final List<UUID> made = new ArrayList<>();
        private final List<UUID> toDelete = new ArrayList<>();

        /** A file that was just published for a row this transaction inserts. */
        public void made(UUID imageId) {
            made.add(imageId);
        }

        /** A file whose row this transaction deletes: removed once the deletion is committed. */
        public void deleteAfterCommit(UUID imageId) {
            toDelete.add(imageId);
        }
    }

    public <T> T run(Function<Journal, T> work) {
        return tx.execute(status -> {
            Journal files = new Journal();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int outcome) {
                    finish(files, outcome);
                }
            });
            return work.apply(files);
        });
    }

    private void finish(Journal files, int outcome) {
        if (outcome == TransactionSynchronization.STATUS_COMMITTED) {
            files.toDelete.forEach(id -> deleteQuietly(id, "its row was deleted"));
        } else if (outcome == TransactionSynchronization.STATUS_ROLLED_BACK) {
            files.made.forEach(id -> deleteQuietly(id, "its row was not committed"));
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
