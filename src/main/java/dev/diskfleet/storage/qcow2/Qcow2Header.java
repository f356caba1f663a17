package dev.diskfleet.storage.qcow2;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fixed part of a qcow2 header (QEMU {@code docs/interop/qcow2.txt}), big-endian. Unsigned 32-bit
 * fields are widened to {@code long} so that a hostile value stays visible to
 * {@link Qcow2HeaderValidator} instead of turning negative. Parsing does not validate.
 */
record Qcow2Header(
        long magic,
        long version,
        long backingFileOffset,
        long backingFileSize,
        long clusterBits,
        long size,
        long cryptMethod,
        long l1Size,
        long l1TableOffset,
        long refcountTableOffset,
        long refcountTableClusters,
        long snapshotCount,
        long snapshotsOffset,
        long incompatibleFeatures,
        long compatibleFeatures,
        long autoclearFeatures,
        long refcountOrder,
        long headerLength,
        int compressionType) {

    static final int MAGIC = 0x514649FB;
    static final int V2_LENGTH = 72;
    static final int V3_LENGTH = 104;
    /** What we write: the v3 header plus the compression type byte, padded to 8, as QEMU 5.1+ does. */
    static final int WRITTEN_LENGTH = 112;

    static final int OFF_VERSION = 4;
    static final int OFF_BACKING_OFFSET = 8;
    static final int OFF_BACKING_SIZE = 16;
    static final int OFF_CLUSTER_BITS = 20;
    static final int OFF_SIZE = 24;
    static final int OFF_CRYPT = 32;
    static final int OFF_L1_SIZE = 36;
    static final int OFF_L1_OFFSET = 40;
    static final int OFF_REFCOUNT_TABLE_OFFSET = 48;
    static final int OFF_REFCOUNT_TABLE_CLUSTERS = 56;
    static final int OFF_SNAPSHOT_COUNT = 60;
    static final int OFF_SNAPSHOTS_OFFSET = 64;
    static final int OFF_INCOMPATIBLE = 72;
    static final int OFF_COMPATIBLE = 80;
    static final int OFF_AUTOCLEAR = 88;
    static final int OFF_REFCOUNT_ORDER = 96;
    static final int OFF_HEADER_LENGTH = 100;
    static final int OFF_COMPRESSION_TYPE = 104;

    static final long INCOMPAT_DIRTY = 1L;
    static final long INCOMPAT_CORRUPT = 1L << 1;
    static final long INCOMPAT_DATA_FILE = 1L << 2;
    static final long INCOMPAT_COMPRESSION = 1L << 3;
    static final long INCOMPAT_EXTENDED_L2 = 1L << 4;
    static final long INCOMPAT_KNOWN = INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_DATA_FILE
            | INCOMPAT_COMPRESSION | INCOMPAT_EXTENDED_L2;

    static final int COMPRESSION_ZLIB = 0;
    static final int COMPRESSION_ZSTD = 1;

    /**
     * Parses the first bytes of a file ({@code head} holds at least {@link #V3_LENGTH} bytes, zero-padded by
     * the caller when the file is shorter). A version 2 header ends at byte 72: the v3 fields take the values
     * the specification implies for v2, whatever bytes follow.
     */
    static Qcow2Header parse(ByteBuffer head) {
        ByteBuffer b = head.duplicate().order(ByteOrder.BIG_ENDIAN);
        long version = u32(b, OFF_VERSION);
        boolean v3 = version >= 3;
        long headerLength = v3 ? u32(b, OFF_HEADER_LENGTH) : V2_LENGTH;
        long incompatible = v3 ? b.getLong(OFF_INCOMPATIBLE) : 0;
        boolean hasCompressionType = v3 && headerLength > OFF_COMPRESSION_TYPE && b.limit() > OFF_COMPRESSION_TYPE;
        return new Qcow2Header(
                u32(b, 0), version, b.getLong(OFF_BACKING_OFFSET), u32(b, OFF_BACKING_SIZE),
                u32(b, OFF_CLUSTER_BITS), b.getLong(OFF_SIZE), u32(b, OFF_CRYPT), u32(b, OFF_L1_SIZE),
                b.getLong(OFF_L1_OFFSET), b.getLong(OFF_REFCOUNT_TABLE_OFFSET),
                u32(b, OFF_REFCOUNT_TABLE_CLUSTERS), u32(b, OFF_SNAPSHOT_COUNT), b.getLong(OFF_SNAPSHOTS_OFFSET),
                incompatible, v3 ? b.getLong(OFF_COMPATIBLE) : 0, v3 ? b.getLong(OFF_AUTOCLEAR) : 0,
                v3 ? u32(b, OFF_REFCOUNT_ORDER) : 4, headerLength,
                hasCompressionType ? Byte.toUnsignedInt(b.get(OFF_COMPRESSION_TYPE)) : COMPRESSION_ZLIB);
    }

    /** Where header extensions start: right after the header proper. */
    long extensionsOffset() {
        return headerLength;
    }

    boolean hasBackingFile() {
        return backingFileOffset != 0;
    }

    /** Bytes 48..59 of the header: the refcount table's offset and cluster count, rewritten together. */
    static ByteBuffer encodeRefcountTableFields(long offset, int clusters) {
        return ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putLong(0, offset).putInt(8, clusters);
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }
}
