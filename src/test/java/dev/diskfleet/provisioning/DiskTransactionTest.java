package dev.diskfleet.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import dev.diskfleet.domain.image.ImageLocationRepository;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.Variant;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/** Files and rows change together: without a database, a transaction manager that only runs the callbacks. */
class DiskTransactionTest {

    @TempDir
    Path root;
    ImageStore store;
    DiskTransaction disks;

    @BeforeEach
    void open() {
        store = ImageStore.withDefaultFormats(root);
        CallbacksOnly transactions = new CallbacksOnly();
        // No rows here: the image repository knows none, so no location is recorded.
        disks = new DiskTransaction(store, transactions, new UnrecordedIntents(transactions, store),
                mock(ImageRepository.class), mock(ImageLocationRepository.class), new LocalNode("node-a"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aFileMadeInATransactionThatRollsBackIsDeletedAgain() {
        UUID made = UUID.randomUUID();
        assertThatThrownBy(() -> disks.run(files -> {
            store.create(made, "vdi", 1 << 20, Variant.DYNAMIC);
            files.made(made);
            throw new IllegalStateException("the row could not be inserted");
        })).hasMessage("the row could not be inserted");
        assertThat(store.listImageIds()).doesNotContain(made);
    }

    @Test
    void aFileMadeInACommittedTransactionStays() {
        UUID made = UUID.randomUUID();
        disks.run(files -> {
            store.create(made, "vdi", 1 << 20, Variant.DYNAMIC);
            files.made(made);
            return null;
        });
        assertThat(store.listImageIds()).contains(made);
    }

    @Test
    void aFileWhoseRowGoesIsRemovedOnlyOnceTheDeletionCommits() {
        UUID kept = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        store.create(kept, "vdi", 1 << 20, Variant.DYNAMIC);
        store.create(gone, "qcow2", 1 << 20, Variant.DYNAMIC);
        assertThatThrownBy(() -> disks.run(files -> {
            files.deleteAfterCommit(kept);
            assertThat(store.listImageIds()).as("still there inside the transaction").contains(kept);
            throw new IllegalStateException("rolled back");
        }));
        disks.run(files -> {
            files.deleteAfterCommit(gone);
            return null;
        });
        assertThat(store.listImageIds()).contains(kept).doesNotContain(gone);
    }

    /** Intents without a database: this test is about the files, {@code FileIntents} has its own. */
    private static final class UnrecordedIntents extends FileIntents {

        UnrecordedIntents(CallbacksOnly transactions, ImageStore store) {
            super(new org.springframework.jdbc.core.JdbcTemplate(), transactions, store, new LocalNode("node-a"), false);
        }

        @Override
        public void declare(String action, java.util.Collection<UUID> imageIds) {
        }

        @Override
        public void declareMergedChild(UUID childId, UUID parentId) {
        }

        @Override
        public void declareWithCurrentTransaction(String action, java.util.Collection<UUID> imageIds) {
        }

        @Override
        public void settleNow(java.util.Collection<UUID> imageIds) {
        }
    }

    /** Begins, commits and rolls back nothing, but runs the synchronizations as a real manager does. */
    private static final class CallbacksOnly extends AbstractPlatformTransactionManager {

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }
}
