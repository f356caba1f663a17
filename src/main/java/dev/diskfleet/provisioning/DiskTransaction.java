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
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A database transaction with a journal of the image files it makes and removes, so that files and rows
 * change together: a file made inside the transaction is deleted again when the transaction does not
 * commit (no file without its row), and a file whose row the transaction deletes is removed only after
 * the commit (no row pointing at a missing file). Work inside should check every rule and flush its rows
 * before it does anything to a file that cannot be undone (merge, reset), so that those come last.
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
        Journal files = new Journal();
        T result;
        try {
            result = tx.execute(status -> work.apply(files));
        } catch (RuntimeException e) {
            for (UUID id : files.made) {
                deleteQuietly(id, "its row was not committed");
            }
            throw e;
        }
        for (UUID id : files.toDelete) {
            deleteQuietly(id, "its row was deleted");
        }
        return result;
    }

    private void deleteQuietly(UUID id, String why) {
        try {
            store.delete(id);
        } catch (RuntimeException e) {
            log.warn("image file {} could not be removed after {}; it is now an orphan file", id, why, e);
        }
    }
}
