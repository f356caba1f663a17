package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The metadata of a new, empty qcow2 version 3 image, laid out as {@code qemu-img create} does: cluster 0
 * holds the header, the backing format extension and the backing file name; then the refcount table, the
 * refcount blocks and the L1 table, which ends the file without padding. For a 10 GiB disk with 64 KiB
 * clusters that is 3 clusters and 160 bytes, like QEMU's 196,768-byte file.
 */
final class FreshImage {

    private final ClusterGeometry g;
    private final long size;
    private final String backingFileName;
    private final long l1Entries;
    private long refcountTableClusters = 1;
    private long refcountBlocks = 1;

    FreshImage(ClusterGeometry g, long size, String backingFileName) {
        this.g = g;
        this.size = size;
        this.backingFileName = backingFileName;
        this.l1Entries = ClusterGeometry.requiredL1Entries(size, g.clusterBits());
        if (l1Entries > ClusterGeometry.MAX_L1_BYTES / 8) {
            throw new StorageException("a qcow2 image with " + g.clusterSize() + "-byte clusters holds at most "
                    + (ClusterGeometry.MAX_L1_BYTES / 8 * g.bytesPerL2Table()) + " bytes; " + size + " is too large");
        }
        // The refcount blocks must count every metadata cluster, themselves included.
        while (true) {
            long blocks = (metadataClusters() + g.refcountsPerBlock() - 1) / g.refcountsPerBlock();
            long tableClusters = g.clustersFor(blocks * 8);
            if (blocks == refcountBlocks && tableClusters == refcountTableClusters) {
                break;
            }
            refcountBlocks = Math.max(refcountBlocks, blocks);
            refcountTableClusters = Math.max(refcountTableClusters, tableClusters);
        }
    }

    private long l1Clusters() {
        return g.clustersFor(l1Entries * 8);
    }

    private long metadataClusters() {
        return 1 + refcountTableClusters + refcountBlocks + l1Clusters();
    }

    private long refcountTableOffset() {
        return g.offsetOf(1);
    }

    private long firstBlockCluster() {
        return 1 + refcountTableClusters;
    }

    private long l1Offset() {
        return g.offsetOf(firstBlockCluster() + refcountBlocks);
    }

    void writeTo(HostFile host) {
        host.write(headerCluster(), 0);
        ByteBuffer table = ByteBuffer.allocate((int) (refcountTableClusters << g.clusterBits())).order(ByteOrder.BIG_ENDIAN);
        for (int b = 0; b < refcountBlocks; b++) {
            table.putLong(b * 8, g.offsetOf(firstBlockCluster() + b));
        }
        // The file is new, so what is not written reads as zeros: only the entries in use are written, and the
        // rest of the table and of each block stays a hole (16 KiB on disk for an overlay instead of 136 KiB).
        host.write(withoutTrailingZeros(table), refcountTableOffset());
        for (int b = 0; b < refcountBlocks; b++) {
            ByteBuffer block = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
            long first = (long) b * g.refcountsPerBlock();
            for (long c = first; c < Math.min(metadataClusters(), first + g.refcountsPerBlock()); c++) {
                RefcountCodec.put(block, (int) (c - first), g.refcountOrder(), 1);
            }
            host.write(withoutTrailingZeros(block), g.offsetOf(firstBlockCluster() + b));
        }
        // An empty L1 table is all zeros: writing its last entry sizes the file and leaves the rest a hole.
        host.write(ByteBuffer.allocate(8), l1Offset() + Math.max(0, l1Entries - 1) * 8);
    }

    private static ByteBuffer withoutTrailingZeros(ByteBuffer buffer) {
        int end = buffer.limit();
        while (end > 0 && buffer.get(end - 1) == 0) {
            end--;
        }
        return buffer.limit(end);
    }

    private ByteBuffer headerCluster() {
        byte[] name = backingFileName == null ? new byte[0] : backingFileName.getBytes(StandardCharsets.UTF_8);
        if (name.length > Qcow2HeaderValidator.MAX_BACKING_NAME) {
            throw new StorageException("backing file name '" + backingFileName + "' is longer than "
                    + Qcow2HeaderValidator.MAX_BACKING_NAME + " bytes");
        }
        int extensions = backingFileName == null ? 0 : 16;
        int nameOffset = Qcow2Header.WRITTEN_LENGTH + extensions + 8;
        if (nameOffset + name.length > g.clusterSize()) {
            throw new StorageException("backing file name '" + backingFileName + "' does not fit in the "
                    + g.clusterSize() + "-byte header cluster");
        }
        ByteBuffer b = ByteBuffer.allocate(nameOffset + name.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, Qcow2Header.MAGIC);
        b.putInt(Qcow2Header.OFF_VERSION, 3);
        if (backingFileName != null) {
            b.putLong(Qcow2Header.OFF_BACKING_OFFSET, nameOffset);
            b.putInt(Qcow2Header.OFF_BACKING_SIZE, name.length);
        }
        b.putInt(Qcow2Header.OFF_CLUSTER_BITS, g.clusterBits());
        b.putLong(Qcow2Header.OFF_SIZE, size);
        b.putInt(Qcow2Header.OFF_L1_SIZE, (int) l1Entries);
        b.putLong(Qcow2Header.OFF_L1_OFFSET, l1Offset());
        b.putLong(Qcow2Header.OFF_REFCOUNT_TABLE_OFFSET, refcountTableOffset());
        b.putInt(Qcow2Header.OFF_REFCOUNT_TABLE_CLUSTERS, (int) refcountTableClusters);
        b.putInt(Qcow2Header.OFF_REFCOUNT_ORDER, g.refcountOrder());
        b.putInt(Qcow2Header.OFF_HEADER_LENGTH, Qcow2Header.WRITTEN_LENGTH);
        if (backingFileName != null) {
            // A differencing image is always in its parent's format, so the backing format is qcow2.
            byte[] backingFormat = "qcow2".getBytes(StandardCharsets.US_ASCII);
            b.putInt(Qcow2Header.WRITTEN_LENGTH, HeaderExtensions.BACKING_FORMAT);
            b.putInt(Qcow2Header.WRITTEN_LENGTH + 4, backingFormat.length);
            b.put(Qcow2Header.WRITTEN_LENGTH + 8, backingFormat);
        }
        b.put(nameOffset, name);
        return b;
    }
}
