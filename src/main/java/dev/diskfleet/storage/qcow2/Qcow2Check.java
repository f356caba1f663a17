package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.COPIED;

import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.UnitState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code qemu-img check} does, plus what an untrusted file needs: counts how often each host cluster
 * is referenced (header, tables, refcount structures, data, snapshots) and compares that with the stored
 * refcounts. Fewer refcounts than references is corruption; more is a leak. Copied flags must say
 * "refcount is exactly 1". Beyond QEMU's check it reports a cluster used as two kinds of thing (data over
 * an L1 table, two tables in one cluster: {@link ClusterUse}) and a data cluster that holds more than one
 * cluster of the active disk: QEMU never writes either, and they let a few KiB of file pose as a full disk
 * or let guest writes overwrite the image's own tables.
 *
 * <p>Cost follows the file's real size: every L1 table and every distinct L2 table is read once per
 * window ({@link L2TableUses}), the refcount blocks once, and nothing is read per L2 entry. Counters are
 * kept for a window of host clusters at a time (7 bytes each), so memory is bounded whatever the file's
 * size; a file larger than one window (128 GiB of 64 KiB clusters) is walked once per window.
 */
final class Qcow2Check {

    private static final int WINDOW = 1 << 21;
    private static final int MAX_REPORTED = 100;
    /**
     * Compressed chunks of the active disk that may start or end in one host cluster. Deflate cannot shrink
     * a cluster more than about 1032 to 1, so more chunks than that in one cluster can only be the same
     * bytes named again.
     */
    static final int MAX_COMPRESSED_PER_CLUSTER = 1034;

    private final Qcow2Image image;
    private final HostFile host;
    private final ClusterGeometry g;
    private final RefcountTable refcounts;
    private final ClusterMap map;
    private final SnapshotTable snapshots;
    private final List<String> corruptions = new ArrayList<>();
    private long unreported;
    private long fileLength;
    private long fileClusters;
    private long windowStart;
    private int windowLength;
    private char[] references;
    private char[] stored;
    private char[] activeUses;
    private byte[] uses;
    private boolean firstPass;
    private long dataUnits;
    private long zeroUnits;

    Qcow2Check(Qcow2Image image, HostFile host, ClusterGeometry g, RefcountTable refcounts, ClusterMap map,
            SnapshotTable snapshots) {
        this.image = image;
        this.host = host;
        this.g = g;
        this.refcounts = refcounts;
        this.map = map;
        this.snapshots = snapshots;
    }

    CheckReport run() {
        fileLength = host.length();
        fileClusters = g.clustersFor(fileLength);
        L2TableUses tables = L2TableUses.collect(host, g, map, snapshots, fileLength, this::report);
        long leaked = 0;
        for (windowStart = 0; windowStart < Math.max(1, fileClusters); windowStart += WINDOW) {
            firstPass = windowStart == 0;
            windowLength = (int) Math.min(WINDOW, Math.max(1, fileClusters - windowStart));
            references = new char[windowLength];
            stored = new char[windowLength];
            activeUses = new char[windowLength];
            uses = new byte[windowLength];
            loadStoredRefcounts();
            referenceMetadata();
            for (int t = 0; t < tables.size(); t++) {
                walkL2(tables, t);
            }
            leaked += compare();
        }
        if (unreported > 0) {
            corruptions.add("... and " + unreported + " more");
        }
        long total = image.unitCount();
        return new CheckReport("qcow2", total, dataUnits, zeroUnits, total - dataUnits - zeroUnits, leaked,
                corruptions);
    }

    /** The window's stored refcounts, each refcount block read once; wider ones saturate at 65535. */
    private void loadStoredRefcounts() {
        int perBlock = g.refcountsPerBlock();
        long end = windowStart + windowLength;
        for (long b = windowStart / perBlock; b <= (end - 1) / perBlock && b < refcounts.size(); b++) {
            if (refcounts.block((int) b) == 0) {
                continue;
            }
            ByteBuffer block = refcounts.readBlock((int) b);
            long first = Math.max(windowStart, b * perBlock);
            long last = Math.min(end, (b + 1) * perBlock);
            for (long c = first; c < last; c++) {
                long value = RefcountCodec.get(block, (int) (c - b * perBlock), g.refcountOrder());
                stored[(int) (c - windowStart)] = (char) Math.min(value, Character.MAX_VALUE);
            }
        }
    }

    private void referenceMetadata() {
        reference(0, g.clusterSize(), ClusterUse.HEADER, 1, false);
        reference(map.l1Offset(), map.l1Size() * 8L, ClusterUse.L1_TABLE, 1, false);
        reference(refcounts.offset(), (long) refcounts.clusters() << g.clusterBits(), ClusterUse.REFCOUNT_TABLE, 1,
                false);
        for (int i = 0; i < refcounts.size(); i++) {
            if (refcounts.block(i) != 0) {
                reference(refcounts.block(i), g.clusterSize(), ClusterUse.REFCOUNT_BLOCK, 1, false);
            }
        }
        if (snapshots.bytes() > 0) {
            reference(snapshots.offset(), snapshots.bytes(), ClusterUse.SNAPSHOT_TABLE, 1, false);
        }
        for (SnapshotTable.SnapshotL1 snapshot : snapshots.l1Tables()) {
            reference(snapshot.offset(), snapshot.size() * 8L, ClusterUse.L1_TABLE, 1, false);
        }
    }

    /** One distinct L2 table: read once, its clusters counted as often as L1 entries name it. */
    private void walkL2(L2TableUses tables, int t) {
        long table = tables.tableOffset(t);
        int count = tables.references(t);
        int l1Index = tables.activeL1Index(t);
        boolean active = l1Index >= 0;
        reference(table, g.clusterSize(), ClusterUse.L2_TABLE, count, false);
        if (active) {
            checkCopiedFlag(tables.activeL1Entry(t), table, "L2 table at offset " + table);
        }
        ByteBuffer entries = map.readTable(table);
        long firstUnit = (long) l1Index * g.l2Entries();
        for (int i = 0; i < g.l2Entries(); i++) {
            long entry = entries.getLong(i * 8);
            if (entry == 0) {
                continue;
            }
            String problem = L2Entry.problem(entry, g, image.version(), fileLength);
            if (problem != null) {
                if (firstPass) {
                    int index = i;
                    report(() -> "L2 table at offset " + table + ", entry " + index + ": " + problem);
                }
                continue;
            }
            if (active && firstPass && firstUnit + i < image.unitCount()) {
                UnitState state = L2Entry.state(entry);
                dataUnits += state == UnitState.DATA ? 1 : 0;
                zeroUnits += state == UnitState.ZERO ? 1 : 0;
            }
            if (L2Entry.isCompressed(entry)) {
                reference(g.compressedOffset(entry), g.compressedSpan(entry), ClusterUse.COMPRESSED_DATA, count,
                        active);
                if (firstPass) {
                    checkInflates(entry, table, i);
                }
            } else if (L2Entry.hostOffset(entry) != 0) {
                long data = L2Entry.hostOffset(entry);
                reference(data, g.clusterSize(), ClusterUse.DATA, count, active);
                if (active) {
                    checkCopiedFlag(entry, data, "data cluster at offset " + data);
                }
            }
        }
    }

    /**
     * A compressed cluster must inflate to exactly one cluster, or a read of it fails long after the file was
     * accepted. Inflating is bounded as every read of it is: the declared span in, one cluster out.
     */
    private void checkInflates(long entry, long table, int index) {
        try {
            CompressedCluster.inflate(host, g, entry);
        } catch (ImageFormatException e) {
            report(() -> "L2 table at offset " + table + ", entry " + index + ": " + e.getMessage());
        }
    }

    private void checkCopiedFlag(long entry, long hostOffset, String what) {
        long cluster = g.clusterOf(hostOffset);
        if (cluster < windowStart || cluster >= windowStart + windowLength) {
            return;
        }
        int refcount = stored[(int) (cluster - windowStart)];
        boolean copied = (entry & COPIED) != 0;
        if (copied != (refcount == 1)) {
            report(() -> what + " has the copied flag " + (copied ? "set" : "clear") + " but refcount " + refcount);
        }
    }

    /**
     * Counts {@code count} references to every cluster that bytes {@code [offset, offset + length)} touch,
     * and reports a cluster put to two uses, or holding more of the active disk than one cluster's worth.
     */
    private void reference(long offset, long length, ClusterUse use, int count, boolean active) {
        if (length <= 0) {
            return;
        }
        long first = g.clusterOf(offset);
        long last = g.clusterOf(offset + length - 1);
        if (firstPass && offset + length > (fileClusters << g.clusterBits())) {
            report(() -> use.label + " at offset " + offset + " reaches past the end of the file");
        }
        long end = Math.min(last, windowStart + windowLength - 1);
        for (long c = Math.max(first, windowStart); c <= end; c++) {
            int i = (int) (c - windowStart);
            long cluster = c;
            byte earlier = uses[i];
            if (uses[i] == 0) {
                uses[i] = use.code();
            } else if (uses[i] != use.code() || !use.shareable) {
                report(() -> "cluster " + cluster + " (offset " + g.offsetOf(cluster) + ") is used as "
                        + ClusterUse.of(earlier).label + " and again as " + use.label);
            }
            references[i] = (char) Math.min(Character.MAX_VALUE, references[i] + (long) count);
            if (active) {
                activeUses[i] = (char) Math.min(Character.MAX_VALUE, activeUses[i] + 1);
                int allowed = use == ClusterUse.COMPRESSED_DATA ? MAX_COMPRESSED_PER_CLUSTER : 1;
                if (activeUses[i] == allowed + 1) {
                    report(() -> "cluster " + cluster + " (offset " + g.offsetOf(cluster) + ") holds " + use.label
                            + " of more than " + allowed + " cluster" + (allowed == 1 ? "" : "s") + " of the disk: clusters shared"
                            + " inside one image (a few bytes posing as many) are not accepted");
                }
            }
        }
    }

    /** Compares the window's counted references with the stored refcounts; returns the leaked clusters. */
    private long compare() {
        long leaked = 0;
        for (int i = 0; i < windowLength; i++) {
            long cluster = windowStart + i;
            if (stored[i] < references[i]) {
                int counted = references[i];
                int refcount = stored[i];
                report(() -> "cluster " + cluster + " is referenced " + counted + " times but its refcount is "
                        + refcount);
            } else if (stored[i] > references[i]) {
                leaked++;
            }
        }
        return leaked;
    }

    /** Builds the message only when it is kept: a crafted file may hold millions of the same problem. */
    private void report(Supplier<String> corruption) {
        if (corruptions.size() < MAX_REPORTED) {
            corruptions.add(corruption.get());
        } else {
            unreported++;
        }
    }
}
