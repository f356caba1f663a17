package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.OFFSET_MASK;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every L2 table the L1 tables name (the active one and each internal snapshot's), listed once, with how
 * many L1 entries name it and which entry of the active table does. The check reads each table once
 * whatever the number of L1 entries that point at it, so its cost follows the file's real size, not what
 * a crafted L1 table claims. An L1 table that names one L2 table twice is reported: QEMU shares L2
 * tables only between snapshots, never inside one table.
 *
 * <p>Memory: one {@code long} per non-zero L1 entry while sorting (L1 entries are real bytes of the
 * file, at most QEMU's 4 Mi per table and as many for all snapshots together), then 16 bytes per distinct
 * table (each a whole cluster of the file).
 */
final class L2TableUses {

    /** Tag bits below the table's cluster number: an active L1 index, or SNAPSHOT_TAG plus the snapshot's. */
    private static final int TAG_BITS = 23;
    private static final long TAG_MASK = (1L << TAG_BITS) - 1;
    private static final int SNAPSHOT_TAG = 1 << 22;
    private static final int CHUNK_ENTRIES = 1 << 14;

    private final long[] tableOffsets;
    private final int[] references;
    private final int[] activeL1Index;
    private final long[] activeL1Entry;

    private L2TableUses(long[] tableOffsets, int[] references, int[] activeL1Index, long[] activeL1Entry) {
        this.tableOffsets = tableOffsets;
        this.references = references;
        this.activeL1Index = activeL1Index;
        this.activeL1Entry = activeL1Entry;
    }

    int size() {
        return tableOffsets.length;
    }

    long tableOffset(int i) {
        return tableOffsets[i];
    }

    /** How many L1 entries, over all L1 tables, name table {@code i}. */
    int references(int i) {
        return references[i];
    }

    /** The index of the active L1 entry naming table {@code i}, or -1 when only snapshots use it. */
    int activeL1Index(int i) {
        return activeL1Index[i];
    }

    long activeL1Entry(int i) {
        return activeL1Entry[i];
    }

    static L2TableUses collect(HostFile host, ClusterGeometry g, ClusterMap map, SnapshotTable snapshots,
            long fileLength, Consumer<Supplier<String>> report) {
        Keys keys = new Keys();
        for (int i = 0; i < map.l1Size(); i++) {
            keys.add(map.l1Entry(i), i, g);
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ENTRIES * 8).order(ByteOrder.BIG_ENDIAN);
        for (int s = 0; s < snapshots.l1Tables().size(); s++) {
            SnapshotTable.SnapshotL1 l1 = snapshots.l1Tables().get(s);
            for (int first = 0; first < l1.size(); first += CHUNK_ENTRIES) {
                int n = Math.min(CHUNK_ENTRIES, l1.size() - first);
                chunk.clear().limit(n * 8);
                host.read(chunk, l1.offset() + first * 8L);
                for (int k = 0; k < n; k++) {
                    long entry = chunk.getLong(k * 8);
                    String problem = ClusterMap.l1Problem(entry, g, fileLength);
                    if (problem != null) {
                        int index = first + k;
                        int snapshot = s;
                        report.accept(() -> "snapshot " + snapshot + ": L1 entry " + index + " " + problem);
                    } else {
                        keys.add(entry, SNAPSHOT_TAG + s, g);
                    }
                }
            }
        }
        return keys.group(g, map, report);
    }

    /** Sortable (table cluster, tag) pairs, packed in one long each. */
    private static final class Keys {
        private long[] values = new long[1024];
        private int count;

        void add(long l1Entry, int tag, ClusterGeometry g) {
            long table = l1Entry & OFFSET_MASK;
            if (table == 0) {
                return;
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            // Tables lie inside the file (checked before), so their cluster number leaves room for the tag.
            values[count++] = (g.clusterOf(table) << TAG_BITS) | tag;
        }

        L2TableUses group(ClusterGeometry g, ClusterMap map, Consumer<Supplier<String>> report) {
            Arrays.sort(values, 0, count);
            int distinct = 0;
            for (int i = 0; i < count; i++) {
                if (i == 0 || cluster(values[i]) != cluster(values[i - 1])) {
                    distinct++;
                }
            }
            long[] offsets = new long[distinct];
            int[] references = new int[distinct];
            int[] active = new int[distinct];
            long[] activeEntries = new long[distinct];
            Arrays.fill(active, -1);
            int d = -1;
            boolean reported = false;
            for (int i = 0; i < count; i++) {
                long cluster = cluster(values[i]);
                int tag = (int) (values[i] & TAG_MASK);
                boolean sameTable = i > 0 && cluster == cluster(values[i - 1]);
                boolean duplicate = sameTable
                        && (tag == (int) (values[i - 1] & TAG_MASK) || (tag < SNAPSHOT_TAG && active[d] >= 0));
                if (!sameTable) {
                    offsets[++d] = g.offsetOf(cluster);
                    reported = false;
                } else if (duplicate && !reported) {
                    // Once per table: a crafted L1 table may name one table millions of times.
                    reported = true;
                    long offset = offsets[d];
                    int firstActive = active[d];
                    report.accept(() -> "L2 table at offset " + offset + " is named twice by the L1 table of "
                            + (tag < SNAPSHOT_TAG ? "the active image (entries " + firstActive + " and " + tag + ")"
                                    : "snapshot " + (tag - SNAPSHOT_TAG))
                            + "; one L2 table may serve only one range of the disk");
                }
                references[d]++;
                if (tag < SNAPSHOT_TAG && active[d] < 0) {
                    active[d] = tag;
                    activeEntries[d] = map.l1Entry(tag);
                }
            }
            values = null;
            return new L2TableUses(offsets, references, active, activeEntries);
        }

        private static long cluster(long key) {
            return key >>> TAG_BITS;
        }
    }
}
