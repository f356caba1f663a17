package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The internal snapshot table, read only so far as the check needs it: where it lies and which L1
 * tables the snapshots keep (their clusters count in the refcounts too). Every entry is bounded by the
 * file before it is read.
 */
record SnapshotTable(long offset, long bytes, List<SnapshotL1> l1Tables) {

    record SnapshotL1(long offset, int size) {
    }

    static final SnapshotTable NONE = new SnapshotTable(0, 0, List.of());
    private static final int ENTRY_HEADER = 40;
    /** QEMU's {@code QCOW_MAX_SNAPSHOT_EXTRA_DATA}. */
    private static final long MAX_EXTRA_DATA = 1024;
    /** QEMU's {@code QCOW_MAX_SNAPSHOTS_SIZE}: 64 MiB of table. */
    private static final long MAX_TABLE_BYTES = 1024L * 65536;
    /** All snapshots' L1 tables together: as many entries as one L1 table of QEMU's largest. */
    static final long MAX_SNAPSHOT_L1_ENTRIES = ClusterGeometry.MAX_L1_BYTES / 8;

    static SnapshotTable read(HostFile host, ClusterGeometry g, long offset, long count, long fileLength) {
        if (count == 0) {
            return NONE;
        }
        List<SnapshotL1> l1Tables = new ArrayList<>();
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_HEADER).order(ByteOrder.BIG_ENDIAN);
        long position = offset;
        long end = offset;
        long l1Entries = 0;
        for (long i = 0; i < count; i++) {
            if (position > fileLength - ENTRY_HEADER) {
                throw fail(host, "snapshot %d of %d starts at byte %d, past the end of the %d-byte file", i, count,
                        position, fileLength);
            }
            host.read(entry.clear(), position);
            long l1Offset = entry.getLong(0);
            long l1Size = Integer.toUnsignedLong(entry.getInt(8));
            int idLength = Short.toUnsignedInt(entry.getShort(12));
            int nameLength = Short.toUnsignedInt(entry.getShort(14));
            long extra = Integer.toUnsignedLong(entry.getInt(36));
            if (extra > MAX_EXTRA_DATA) {
                throw fail(host, "snapshot %d has %d bytes of extra data, expected at most %d", i, extra,
                        MAX_EXTRA_DATA);
            }
            if (l1Size > ClusterGeometry.MAX_L1_BYTES / 8) {
                throw fail(host, "snapshot %d has an L1 table of %d entries, more than QEMU's 32 MiB limit", i, l1Size);
            }
            if (l1Size > 0 && (!g.isAligned(l1Offset) || l1Offset < g.clusterSize()
                    || l1Offset > fileLength - l1Size * 8)) {
                throw fail(host, "snapshot %d has its L1 table (offset %s, %d entries) outside the file or unaligned",
                        i, Long.toUnsignedString(l1Offset), l1Size);
            }
            l1Entries += l1Size;
            // The check walks every snapshot's L1 table; their sum is bounded so that it stays proportional to
            // the file (QEMU's own limit is per table; many tables of that size cannot all lie in a real file).
            if (l1Entries > MAX_SNAPSHOT_L1_ENTRIES || l1Entries * 8 > fileLength) {
                throw fail(host, "the L1 tables of the first %d snapshots hold %d entries, more than %s", i + 1,
                        l1Entries, l1Entries * 8 > fileLength ? "the " + fileLength + "-byte file can hold"
                                : MAX_SNAPSHOT_L1_ENTRIES + " in all");
            }
            l1Tables.add(new SnapshotL1(l1Offset, (int) l1Size));
            // Each entry is padded to a multiple of 8 bytes, but the padding of the last one need not be in the
            // file: qemu-img snapshot -c may end the file right after the last entry's name.
            end = position + ENTRY_HEADER + extra + idLength + nameLength;
            if (end - offset > MAX_TABLE_BYTES || end > fileLength) {
                throw fail(host, "snapshot table (offset %d, %d snapshots) runs past the end of the file or"
                        + " QEMU's 64 MiB limit", offset, count);
            }
            position = (end + 7) & ~7L;
        }
        return new SnapshotTable(offset, end - offset, List.copyOf(l1Tables));
    }

    private static ImageFormatException fail(HostFile host, String format, Object... args) {
        return new ImageFormatException("qcow2", host.name(), host.name() + ": " + String.format(format, args));
    }
}
