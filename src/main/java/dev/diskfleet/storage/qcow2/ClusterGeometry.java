package dev.diskfleet.storage.qcow2;

/**
 * The sizes that follow from {@code cluster_bits} and {@code refcount_order}, and the bit layout of
 * table entries (QEMU {@code block/qcow2.h}). Values here come from a validated header.
 */
record ClusterGeometry(int clusterBits, int refcountOrder) {

    static final int MIN_CLUSTER_BITS = 9;
    static final int MAX_CLUSTER_BITS = 21;
    static final int DEFAULT_CLUSTER_BITS = 16;
    static final int DEFAULT_REFCOUNT_ORDER = 4;
    /** QEMU's {@code QCOW_MAX_L1_SIZE}: the active L1 table is at most 32 MiB. */
    static final long MAX_L1_BYTES = 32L << 20;
    /** QEMU's {@code QCOW_MAX_REFTABLE_SIZE}: the refcount table is at most 8 MiB. */
    static final long MAX_REFCOUNT_TABLE_BYTES = 8L << 20;

    static final long COPIED = 1L << 63;
    static final long COMPRESSED = 1L << 62;
    static final long ZERO = 1L;
    static final long OFFSET_MASK = 0x00fffffffffffe00L;
    static final long L1_RESERVED_MASK = 0x7f000000000001ffL;
    static final long L2_STANDARD_RESERVED_MASK = 0x3f000000000001feL;
    static final long REFCOUNT_TABLE_RESERVED_MASK = 0x1ffL;
    /** Compressed data is addressed in 512-byte sectors. */
    static final int SECTOR = 512;

    int clusterSize() {
        return 1 << clusterBits;
    }

    /** Entries in one L2 table (one cluster of u64). */
    int l2Entries() {
        return 1 << (clusterBits - 3);
    }

    /** Virtual bytes one L1 entry covers. */
    long bytesPerL2Table() {
        return 1L << (2 * clusterBits - 3);
    }

    /** Host clusters one refcount block describes. */
    int refcountsPerBlock() {
        return 1 << (clusterBits + 3 - refcountOrder);
    }

    int refcountBits() {
        return 1 << refcountOrder;
    }

    /** The L1 entries a disk of {@code size} bytes needs. */
    static long requiredL1Entries(long size, int clusterBits) {
        long perTable = 1L << (2 * clusterBits - 3);
        return size / perTable + (size % perTable == 0 ? 0 : 1);
    }

    long clusterOf(long hostOffset) {
        return hostOffset >>> clusterBits;
    }

    long offsetOf(long cluster) {
        return cluster << clusterBits;
    }

    boolean isAligned(long hostOffset) {
        return (hostOffset & (clusterSize() - 1)) == 0;
    }

    /** Clusters needed to hold {@code bytes}. */
    long clustersFor(long bytes) {
        return (bytes + clusterSize() - 1) >>> clusterBits;
    }

    // ---- compressed cluster descriptors ------------------------------------------------------------

    private int compressedSizeShift() {
        return 62 - (clusterBits - 8);
    }

    /** Host byte offset of a compressed cluster's data. */
    long compressedOffset(long entry) {
        return entry & ((1L << compressedSizeShift()) - 1);
    }

    /**
     * Bytes the compressed data may span: the entry counts 512-byte sectors (minus one) from the sector
     * holding its first byte, so the span ends on a sector boundary (QEMU's {@code qcow2_parse_compressed_l2_entry}).
     */
    int compressedSpan(long entry) {
        long sectors = ((entry >>> compressedSizeShift()) & ((1L << (clusterBits - 8)) - 1)) + 1;
        return (int) (sectors * SECTOR - (compressedOffset(entry) & (SECTOR - 1)));
    }
}
