package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.COPIED;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.OFFSET_MASK;

import dev.diskfleet.storage.ImageFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Virtual cluster to L2 entry: the L1 table in memory (it must lie in the file, so its size is bounded by
 * the file's) and the L2 tables through a bounded {@link L2Cache}, each validated against the file
 * length when it is loaded. Entries are published with volatile writes after what they point at is on
 * disk, so lock-free readers never see an entry before its cluster.
 *
 * <p>Deferred metadata (write-back, see {@link Qcow2Image#deferringMetadata}): entries and new tables are
 * set in memory only, where readers see them at once (their clusters' bytes are already written, if not
 * yet forced), and the tables that hold them stay pinned in the cache until {@link #writeBack} puts them
 * on disk in QEMU's order.
 */
final class ClusterMap {

    private final HostFile host;
    private final ClusterGeometry g;
    private final long version;
    private final long l1Offset;
    private final AtomicLongArray l1;
    private final L2Cache cache;
    /** Deferred metadata: L1 entries set in memory only, and new L2 tables not yet written at all. */
    private final Set<Integer> dirtyL1 = new TreeSet<>();
    private final Set<Long> unwrittenTables = new HashSet<>();

    private ClusterMap(HostFile host, ClusterGeometry g, long version, long l1Offset, AtomicLongArray l1) {
        this.host = host;
        this.g = g;
        this.version = version;
        this.l1Offset = l1Offset;
        this.l1 = l1;
        this.cache = new L2Cache(g.clusterSize());
    }

    /** Reads the L1 table the validated header points at and checks every entry against the file. */
    static ClusterMap load(HostFile host, ClusterGeometry g, long version, long l1Offset, int l1Size, long fileLength) {
        ByteBuffer raw = ByteBuffer.allocate(l1Size * 8).order(ByteOrder.BIG_ENDIAN);
        host.read(raw, l1Offset);
        AtomicLongArray l1 = new AtomicLongArray(l1Size);
        for (int i = 0; i < l1Size; i++) {
            long entry = raw.getLong(i * 8);
            String problem = l1Problem(entry, g, fileLength);
            if (problem != null) {
                throw new ImageFormatException("qcow2", host.name(), host.name() + ": L1 entry " + i + " " + problem);
            }
            l1.set(i, entry);
        }
        return new ClusterMap(host, g, version, l1Offset, l1);
    }

    /** Why an L1 entry cannot be trusted, or null. */
    static String l1Problem(long entry, ClusterGeometry g, long fileLength) {
        if (entry == 0) {
            return null;
        }
        if ((entry & ClusterGeometry.L1_RESERVED_MASK) != 0) {
            return String.format("(0x%016X) has reserved bits set", entry);
        }
        long table = entry & OFFSET_MASK;
        if (table == 0) {
            return null;
        }
        if (!g.isAligned(table)) {
            return String.format("points at offset %d, not a multiple of the %d-byte cluster size", table,
                    g.clusterSize());
        }
        if (table < g.clusterSize()) {
            return "points at the header cluster";
        }
        if (table > fileLength - g.clusterSize()) {
            return String.format("points at an L2 table at offset %d, past the end of the %d-byte file", table,
                    fileLength);
        }
        return null;
    }

    int l1Size() {
        return l1.length();
    }

    long l1Offset() {
        return l1Offset;
    }

    int l1Index(long unit) {
        return (int) (unit >>> (g.clusterBits() - 3));
    }

    int l2Index(long unit) {
        return (int) (unit & (g.l2Entries() - 1));
    }

    long l1Entry(int index) {
        return l1.get(index);
    }

    /** The L2 entry of virtual cluster {@code unit}; 0 when no L2 table covers it. */
    long entry(long unit) {
        int index = l1Index(unit);
        if (index >= l1.length()) {
            return 0;
        }
        long table = l1.get(index) & OFFSET_MASK;
        if (table == 0) {
            return 0;
        }
        return cache.get(table, this::loadTable).get(l2Index(unit));
    }

    /** Rewrites one entry of an existing L2 table: on disk first, then in the cache. */
    void setEntry(long unit, long entry) {
        long table = l1.get(l1Index(unit)) & OFFSET_MASK;
        int index = l2Index(unit);
        host.write(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(0, entry), table + index * 8L);
        cache.update(table, index, entry);
    }

    /**
     * Rewrites consecutive entries of one existing L2 table, from {@code firstUnit}, in one write: on disk
     * first, then in the cache.
     */
    void setEntries(long firstUnit, long[] entries) {
        long table = l1.get(l1Index(firstUnit)) & OFFSET_MASK;
        int first = l2Index(firstUnit);
        if (first + entries.length > g.l2Entries()) {
            throw new IllegalArgumentException("entries from cluster " + firstUnit + " run past their L2 table");
        }
        ByteBuffer raw = ByteBuffer.allocate(entries.length * 8).order(ByteOrder.BIG_ENDIAN);
        for (long entry : entries) {
            raw.putLong(entry);
        }
        host.write(raw.flip(), table + first * 8L);
        cache.update(table, first, entries);
    }

    /** As {@link #setEntries}, in memory only: the table stays pinned until {@link #writeBack}. */
    void setEntriesDeferred(long firstUnit, long[] entries) {
        long table = l1.get(l1Index(firstUnit)) & OFFSET_MASK;
        int first = l2Index(firstUnit);
        if (first + entries.length > g.l2Entries()) {
            throw new IllegalArgumentException("entries from cluster " + firstUnit + " run past their L2 table");
        }
        AtomicLongArray content = cache.get(table, this::loadTable);
        cache.pin(table, content);
        for (int i = 0; i < entries.length; i++) {
            content.set(first + i, entries[i]);
        }
    }

    /** As {@link #publishTable}, in memory only: the table is written, then pointed at, by {@link #writeBack}. */
    void publishTableDeferred(int l1Index, long tableOffset, ByteBuffer content) {
        cache.pin(tableOffset, decode(content));
        unwrittenTables.add(tableOffset);
        dirtyL1.add(l1Index);
        l1.set(l1Index, COPIED | tableOffset);
    }

    /** L2 tables holding entries that are not on disk yet. */
    int dirtyTables() {
        return cache.pinnedCount();
    }

    /**
     * Puts deferred metadata on disk, after the clusters it points at (their content and refcounts,
     * already written) and in an order that a crash or power loss at any point cannot turn into a pointer
     * to a cluster that is not on disk: new L2 tables (nothing points at them yet, so they may reach the
     * disk with the clusters' content and refcounts), barrier, then the changed tables already linked and
     * the L1 entries of the new ones. The caller's next barrier (or
     * force) makes those durable.
     */
    void writeBack() {
        Map<Long, AtomicLongArray> dirty = cache.pinnedTables();
        for (long table : unwrittenTables) {
            host.write(encode(dirty.get(table)), table);
        }
        host.barrier();
        for (Map.Entry<Long, AtomicLongArray> table : dirty.entrySet()) {
            if (!unwrittenTables.contains(table.getKey())) {
                host.write(encode(table.getValue()), table.getKey());
            }
        }
        for (int index : dirtyL1) {
            host.write(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(0, l1.get(index)),
                    l1Offset + index * 8L);
        }
        unwrittenTables.clear();
        dirtyL1.clear();
        cache.unpinAll();
    }

    private ByteBuffer encode(AtomicLongArray table) {
        ByteBuffer raw = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < g.l2Entries(); i++) {
            raw.putLong(i * 8, table.get(i));
        }
        return raw;
    }

    /** A fresh L2 table holding one entry, ready to be written to a new cluster. */
    ByteBuffer newTable(long unit, long entry) {
        ByteBuffer table = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
        table.putLong(l2Index(unit) * 8, entry);
        return table;
    }

    /** Points the L1 entry at a new L2 table already written (with its refcount) at {@code tableOffset}. */
    void publishTable(int l1Index, long tableOffset, ByteBuffer content) {
        long entry = COPIED | tableOffset;
        host.write(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(0, entry), l1Offset + l1Index * 8L);
        cache.put(tableOffset, decode(content));
        l1.set(l1Index, entry);
    }

    /** Forgets every table: in memory first (readers then fall through), then on disk. */
    void clear() {
        if (dirtyTables() > 0) {
            throw new IllegalStateException("deferred L2 entries must be written back before the tables are cleared");
        }
        for (int i = 0; i < l1.length(); i++) {
            l1.set(i, 0);
        }
        cache.clear();
        host.write(ByteBuffer.allocate(l1.length() * 8), l1Offset);
    }

    /** Reads an L2 table straight from disk, as the check does, without validating it. */
    ByteBuffer readTable(long tableOffset) {
        ByteBuffer table = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
        host.read(table, tableOffset);
        return table.clear();
    }

    private AtomicLongArray loadTable(long tableOffset) {
        ByteBuffer raw = readTable(tableOffset);
        long fileLength = host.length();
        for (int i = 0; i < g.l2Entries(); i++) {
            String problem = L2Entry.problem(raw.getLong(i * 8), g, version, fileLength);
            if (problem != null) {
                throw new ImageFormatException("qcow2", host.name(), host.name() + ": L2 table at offset " + tableOffset + ", entry " + i
                        + ": " + problem);
            }
        }
        return decode(raw);
    }

    private AtomicLongArray decode(ByteBuffer raw) {
        AtomicLongArray table = new AtomicLongArray(g.l2Entries());
        for (int i = 0; i < g.l2Entries(); i++) {
            table.set(i, raw.getLong(i * 8));
        }
        return table;
    }
}
