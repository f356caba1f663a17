package dev.diskfleet.storage.qcow2;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongFunction;

/**
 * The most recently used L2 tables, bounded in bytes whatever the image claims. Tables are loaded while
 * holding the cache's lock, and the writer patches a cached table under the same lock after writing the
 * entry to disk: a table is therefore never cached from a read that raced with a write of one of its
 * entries. The lock is held only for a lookup or a miss; entries are read from the cached arrays with
 * volatile reads, so a reader sees a new cluster only after its data and refcount are on disk.
 */
final class L2Cache {

    /** Tables kept at most, in bytes: 4 MiB covers 32 GiB of a disk with 64 KiB clusters. */
    static final int BUDGET_BYTES = 4 << 20;

    private final Map<Long, AtomicLongArray> tables;
    /**
     * Tables holding entries not yet on disk (deferred metadata): kept out of the LRU, so they are never
     * evicted and re-read stale; their number is bounded by the writer, which writes them back.
     */
    private final Map<Long, AtomicLongArray> pinned = new HashMap<>();

    L2Cache(int clusterSize) {
        int capacity = Math.max(4, BUDGET_BYTES / clusterSize);
        this.tables = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, AtomicLongArray> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized AtomicLongArray get(long tableOffset, LongFunction<AtomicLongArray> loader) {
        AtomicLongArray table = pinned.get(tableOffset);
        if (table == null) {
            table = tables.get(tableOffset);
        }
        if (table == null) {
            table = loader.apply(tableOffset);
            tables.put(tableOffset, table);
        }
        return table;
    }

    synchronized void put(long tableOffset, AtomicLongArray table) {
        tables.put(tableOffset, table);
    }

    /** Keeps {@code table} (the one readers already use, if cached) in memory until {@link #unpinAll}. */
    synchronized void pin(long tableOffset, AtomicLongArray table) {
        tables.remove(tableOffset);
        pinned.put(tableOffset, table);
    }

    /** The pinned tables, by host offset: the caller writes them back, then calls {@link #unpinAll}. */
    synchronized Map<Long, AtomicLongArray> pinnedTables() {
        return new HashMap<>(pinned);
    }

    synchronized int pinnedCount() {
        return pinned.size();
    }

    /** Returns every pinned table to the LRU once its content is on disk. */
    synchronized void unpinAll() {
        tables.putAll(pinned);
        pinned.clear();
    }

    /** Patches a cached table after the entry was written to disk; an uncached table is read fresh later. */
    synchronized void update(long tableOffset, int index, long entry) {
        AtomicLongArray table = tables.get(tableOffset);
        if (table != null) {
            table.set(index, entry);
        }
    }

    /** Patches consecutive entries of a cached table from {@code first}, as {@link #update(long, int, long)}. */
    synchronized void update(long tableOffset, int first, long[] entries) {
        AtomicLongArray table = tables.get(tableOffset);
        if (table != null) {
            for (int i = 0; i < entries.length; i++) {
                table.set(first + i, entries[i]);
            }
        }
    }

    synchronized void clear() {
        tables.clear();
        pinned.clear();
    }
}
