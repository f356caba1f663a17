package dev.diskfleet.provisioning;

import dev.diskfleet.storage.ImageStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Intent records: before any image file is made or removed, a row naming its image UUID is committed in
 * its own transaction (so it is on disk even while the caller's transaction is open), and it is deleted
 * only once the caller's transaction has completed and the file work after it is done. Whatever a kill
 * interrupts, {@link #recover} at the next start finds the open rows and settles each file by one rule:
 * the file stays exactly when an image row names it. That finishes a delete whose row was committed, and
 * undoes a create, upload, clone or fleet disk whose row never was. Files nobody declared (copied in by
 * hand) are never touched here; they stay orphans to report. Each row names the node whose storage root
 * holds the file, and in a cluster a node settles only its own (and those that name no node, from before
 * rows did): another node's open intent may belong to a change that node is making now.
 */
@Component
public class FileIntents {

    private static final Logger log = LoggerFactory.getLogger(FileIntents.class);
    /**
     * The intents (alias {@code i}) this node settles, given whether it takes every row and its name: its own,
     * and those that name no node (from before rows did).
     */
    private static final String OWN = "(? OR i.node = ? OR i.node IS NULL)";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final ImageStore store;
    private final LocalNode local;
    /** Whether every row is this node's: without a cluster the one process takes them all, whoever wrote them. */
    private final boolean everyRow;

    public FileIntents(JdbcTemplate jdbc, PlatformTransactionManager transactions, ImageStore store, LocalNode local,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        this.jdbc = jdbc;
        this.local = local;
        this.everyRow = !cluster;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.store = store;
    }

    /** Commits one intent row per image before the caller makes ({@code "make"}) or removes its file. */
    public void declare(String action, Collection<UUID> imageIds) {
        if (imageIds.isEmpty()) {
            return;
        }
        ownTransaction.executeWithoutResult(status -> insert(action, imageIds));
        CrashPoints.reach("intent." + action + ".declared");
    }

    /**
     * Commits the removal intent of a child merged into {@code parentId} (its file kept until its rows are
     * gone, see {@link ImageStore#deleteMergedChild}): when recovery finishes the removal, it also renews the
     * parent's modification stamp, which the merge kept so that the child stayed verifiable.
     */
    public void declareMergedChild(UUID childId, UUID parentId) {
        ownTransaction.executeWithoutResult(status -> jdbc.update("INSERT INTO file_intents"
                + " (id, image_id, action, created_at, merged_into, node) VALUES (?, ?, 'remove', ?, ?, ?)",
                UUID.randomUUID(), childId, Timestamp.from(Instant.now()), parentId, local.name()));
        CrashPoints.reach("intent.remove.declared");
    }

    /**
     * Writes intent rows in the caller's transaction, so they exist exactly when its rows commit: for work
     * that must happen only after a commit and be redone if a kill cuts it short (a restore's reset).
     */
    public void declareWithCurrentTransaction(String action, Collection<UUID> imageIds) {
        insert(action, imageIds);
    }

    private void insert(String action, Collection<UUID> imageIds) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.batchUpdate("INSERT INTO file_intents (id, image_id, action, created_at, node) VALUES (?, ?, ?, ?, ?)",
                imageIds.stream().map(id -> new Object[] {UUID.randomUUID(), id, action, now, local.name()}).toList());
    }

    /**
     * Runs {@code work}, which makes the files {@code imageIds} and commits their rows (or removes the files
     * again when it fails), between declaring and settling their intents. If {@code work} joins an open
     * transaction, the intents stay until that transaction has completed.
     */
    public <T> T making(Collection<UUID> imageIds, Supplier<T> work) {
        declare("make", imageIds);
        try {
            return work.get();
        } finally {
            settleWhenDone(imageIds);
        }
    }

    /** Deletes the intents of {@code imageIds} now, or when the current transaction has completed. */
    public void settleWhenDone(Collection<UUID> imageIds) {
        if (imageIds.isEmpty()) {
            return;
        }
        List<UUID> ids = List.copyOf(imageIds);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int outcome) {
                    settle(ids);
                }
            });
        } else {
            settle(ids);
        }
    }

    /** Deletes the intents of {@code imageIds} now: for code that runs after a transaction has completed. */
    public void settleNow(Collection<UUID> imageIds) {
        if (!imageIds.isEmpty()) {
            settle(List.copyOf(imageIds));
        }
    }

    private void settle(List<UUID> ids) {
        CrashPoints.reach("intent.before-settle");
        try {
            ownTransaction.executeWithoutResult(status -> deleteOwn(ids));
        } catch (RuntimeException e) {
            log.warn("intents for {} could not be settled; the next start settles them", ids, e);
        }
    }

    /**
     * At startup, before rows and files are matched: every open intent's file is kept if an image row names
     * it and removed otherwise, then the intents go. Returns the files removed. Each step can be cut short
     * by another kill and redone by the next start: a reset empties an emptied disk again, a removal finds
     * its file gone, a renewed stamp is renewed once more (no child recorded it in between: nothing else
     * runs before recovery is done), and the intents stay until the last step.
     */
    public List<UUID> recover() {
        Set<UUID> open = new HashSet<>(jdbc.queryForList("SELECT DISTINCT i.image_id FROM file_intents i WHERE " + OWN,
                UUID.class, everyRow, local.name()));
        if (open.isEmpty()) {
            return List.of();
        }
        // A restore committed its rows but was cut short before emptying the disk it made current: redo it.
        for (UUID id : jdbc.queryForList("SELECT DISTINCT i.image_id FROM file_intents i JOIN images m ON m.id = i.image_id"
                + " WHERE i.action = 'reset' AND " + OWN, UUID.class, everyRow, local.name())) {
            if (store.exists(id)) {
                log.info("emptying differencing image {}: a restore committed but did not finish", id);
                store.reset(id);
                CrashPoints.reach("intent-recovery.reset-redone");
            }
        }
        Set<UUID> recorded = new HashSet<>();
        for (UUID id : open) {
            if (hasRow(id)) {
                recorded.add(id);
            }
        }
        List<UUID> removed = new ArrayList<>(open.stream().filter(id -> !recorded.contains(id) && store.exists(id)).toList());
        finishMerges(recorded);
        for (UUID id : removed) {
            if (store.exists(id)) {
                log.info("removing image file {}: an interrupted change made or was removing it and no image row names"
                        + " it", id);
                store.delete(id);
                CrashPoints.reach("intent-recovery.file-removed");
            }
        }
        deleteOwn(open);
        return removed;
    }

    /**
     * A merge whose rows committed (the child's row is gone) but whose request was cut short: the child's
     * file goes, then its parent's modification stamp is renewed, as {@link ImageStore#deleteMergedChild}
     * does for a request that completes. A child whose row is still there was not merged for good (its
     * transaction never committed): its parent keeps the stamp the child recorded, so a retry can finish.
     */
    private void finishMerges(Set<UUID> recorded) {
        List<UUID[]> merges = jdbc.query("SELECT DISTINCT i.image_id, i.merged_into FROM file_intents i"
                + " WHERE i.merged_into IS NOT NULL AND " + OWN,
                (row, n) -> new UUID[] {row.getObject("image_id", UUID.class), row.getObject("merged_into", UUID.class)},
                everyRow, local.name());
        for (UUID[] merge : merges) {
            UUID child = merge[0];
            UUID parent = merge[1];
            if (recorded.contains(child)) {
                continue;
            }
            if (store.exists(child)) {
                log.info("removing image file {}: merged into {}, its row deleted", child, parent);
                store.delete(child);
                CrashPoints.reach("intent-recovery.merged-child-removed");
            }
            // A parent that went too (its own row deleted) is removed below; it needs no new stamp.
            if (hasRow(parent) && store.exists(parent)) {
                log.info("renewing the modification stamp of image {}: {} was merged into it", parent, child);
                store.deleteMergedChild(child, parent);
                CrashPoints.reach("intent-recovery.parent-stamp-renewed");
            }
        }
    }

    /** Deletes this node's intents of {@code imageIds}: another node may hold open intents of the same image. */
    private void deleteOwn(Collection<UUID> imageIds) {
        jdbc.batchUpdate("DELETE FROM file_intents i WHERE i.image_id = ? AND " + OWN,
                imageIds.stream().map(id -> new Object[] {id, everyRow, local.name()}).toList());
    }

    private boolean hasRow(UUID imageId) {
        Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM images WHERE id = ?", Integer.class, imageId);
        return rows != null && rows > 0;
    }
}
