package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.COPIED;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.OFFSET_MASK;

import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.UnitState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code qemu-img check} does: counts how often each host cluster is referenced (header, tables,
 * refcount structures, data, snapshots) and compares that with the stored refcounts. Fewer refcounts
 * than references is corruption; more is a leak. Copied flags must say "refcount is exactly 1".
 *
 * <p>Counters are kept for a window of clusters at a time, so the memory used is bounded whatever the
 * file's size; a file larger than one window is walked once per window.
 */
final class Qcow2Check {

    private static final int WINDOW = 1 << 23;
    private static final int MAX_REPORTED = 100;

    private final Qcow2Image image;
    private final HostFile host;
    private final ClusterGeometry g;
    private final RefcountTable refcounts;
    private final ClusterMap map;
    private final SnapshotTable snapshots;
    private final List<String> corruptions = new ArrayList<>();
    private long unreported;
    private long fileLength;
    private long windowStart;
    private char[] expected;
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
        long clusters = g.clustersFor(fileLength);
        long leaked = 0;
        for (windowStart = 0; windowStart < Math.max(1, clusters); windowStart += WINDOW) {
            firstPass = windowStart == 0;
            expected = new char[(int) Math.min(WINDOW, Math.max(1, clusters - windowStart))];
            countReferences();
            leaked += compare();
        }
        if (unreported > 0) {
            corruptions.add("... and " + unreported + " more");
        }
        long total = image.unitCount();
        return new CheckReport("qcow2", total, dataUnits, zeroUnits, total - dataUnits - zeroUnits, leaked,
                corruptions);
    }

    private void countReferences() {
        reference(0, g.clusterSize(), "header");
        reference(map.l1Offset(), map.l1Size() * 8L, "L1 table");
        reference(refcounts.offset(), (long) refcounts.clusters() << g.clusterBits(), "refcount table");
        for (int i = 0; i < refcounts.size(); i++) {
            if (refcounts.block(i) != 0) {
                reference(refcounts.block(i), g.clusterSize(), "refcount block " + i);
            }
        }
        if (snapshots.bytes() > 0) {
            reference(snapshots.offset(), snapshots.bytes(), "snapshot table");
        }
        for (SnapshotTable.SnapshotL1 snapshot : snapshots.l1Tables()) {
            reference(snapshot.offset(), snapshot.size() * 8L, "snapshot L1 table");
            ByteBuffer l1 = ByteBuffer.allocate(snapshot.size() * 8).order(ByteOrder.BIG_ENDIAN);
            host.read(l1, snapshot.offset());
            for (int i = 0; i < snapshot.size(); i++) {
                walkL2(l1.getLong(i * 8), i, false);
            }
        }
        for (int i = 0; i < map.l1Size(); i++) {
            walkL2(map.l1Entry(i), i, true);
        }
    }

    private void walkL2(long l1Entry, int l1Index, boolean active) {
        String problem = ClusterMap.l1Problem(l1Entry, g, fileLength);
        if (problem != null) {
            report("L1 entry " + l1Index + " " + problem);
            return;
        }
        long table = l1Entry & OFFSET_MASK;
        if (table == 0) {
            return;
        }
        reference(table, g.clusterSize(), "L2 table");
        if (active) {
            checkCopiedFlag(l1Entry, table, "L2 table at offset " + table);
        }
        ByteBuffer entries = map.readTable(table);
        long firstUnit = (long) l1Index * g.l2Entries();
        for (int i = 0; i < g.l2Entries(); i++) {
            long entry = entries.getLong(i * 8);
            problem = L2Entry.problem(entry, g, image.version(), fileLength);
            if (problem != null) {
                report("L2 table at offset " + table + ", entry " + i + ": " + problem);
                continue;
            }
            if (active && firstPass && firstUnit + i < image.unitCount()) {
                UnitState state = L2Entry.state(entry);
                dataUnits += state == UnitState.DATA ? 1 : 0;
                zeroUnits += state == UnitState.ZERO ? 1 : 0;
            }
            if (L2Entry.isCompressed(entry)) {
                reference(g.compressedOffset(entry), g.compressedSpan(entry), "compressed cluster");
            } else if (L2Entry.hostOffset(entry) != 0) {
                reference(L2Entry.hostOffset(entry), g.clusterSize(), "data cluster");
                if (active) {
                    checkCopiedFlag(entry, L2Entry.hostOffset(entry), "data cluster at offset " + L2Entry.hostOffset(entry));
                }
            }
        }
    }

    private void checkCopiedFlag(long entry, long hostOffset, String what) {
        if (!firstPass) {
            return;
        }
        long refcount = refcounts.get(g.clusterOf(hostOffset));
        boolean copied = (entry & COPIED) != 0;
        if (copied != (refcount == 1)) {
            report(what + " has the copied flag " + (copied ? "set" : "clear") + " but refcount " + refcount);
        }
    }

    /** Counts one reference to every cluster that bytes {@code [offset, offset + length)} touch. */
    private void reference(long offset, long length, String what) {
        if (length <= 0) {
            return;
        }
        long first = g.clusterOf(offset);
        long last = g.clusterOf(offset + length - 1);
        for (long c = Math.max(first, windowStart); c <= last && c < windowStart + expected.length; c++) {
            int i = (int) (c - windowStart);
            if (expected[i] < Character.MAX_VALUE) {
                expected[i]++;
            }
        }
        if (firstPass && offset + length > (g.clustersFor(fileLength) << g.clusterBits())) {
            report(what + " at offset " + offset + " reaches past the end of the file");
        }
    }

    /** Compares the window's counted references with the stored refcounts; returns the leaked clusters. */
    private long compare() {
        long leaked = 0;
        int perBlock = g.refcountsPerBlock();
        ByteBuffer block = null;
        int blockIndex = -1;
        for (int i = 0; i < expected.length; i++) {
            long cluster = windowStart + i;
            int wanted = (int) (cluster / perBlock);
            if (wanted != blockIndex) {
                blockIndex = wanted;
                block = blockIndex < refcounts.size() && refcounts.block(blockIndex) != 0
                        ? refcounts.readBlock(blockIndex) : null;
            }
            long stored = block == null ? 0 : RefcountCodec.get(block, (int) (cluster % perBlock), g.refcountOrder());
            if (stored < expected[i]) {
                report("cluster " + cluster + " is referenced " + (int) expected[i] + " times but its refcount is "
                        + stored);
            } else if (stored > expected[i]) {
                leaked++;
            }
        }
        return leaked;
    }

    private void report(String corruption) {
        if (corruptions.size() < MAX_REPORTED) {
            corruptions.add(corruption);
        } else {
            unreported++;
        }
    }
}
