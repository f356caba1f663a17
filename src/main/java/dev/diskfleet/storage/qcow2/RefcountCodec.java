package dev.diskfleet.storage.qcow2;

import java.nio.ByteBuffer;

/**
 * Reads and writes one refcount inside a refcount block of any width qcow2 allows (1 to 64 bits). Widths
 * of a byte and more are big-endian; narrower ones are packed from the least significant bit of each
 * byte upwards, as QEMU's {@code get_refcount_ro0..ro2} read them.
 */
final class RefcountCodec {

    private RefcountCodec() {
    }

    /** Refcounts wider than 63 bits read as this, which no real image reaches. */
    static final long SATURATED = Long.MAX_VALUE;

    static long get(ByteBuffer block, int index, int order) {
        int bits = 1 << order;
        if (bits >= 8) {
            int bytes = bits / 8;
            int at = index * bytes;
            return switch (bytes) {
                case 1 -> Byte.toUnsignedLong(block.get(at));
                case 2 -> Short.toUnsignedLong(block.getShort(at));
                case 4 -> Integer.toUnsignedLong(block.getInt(at));
                default -> block.getLong(at) < 0 ? SATURATED : block.getLong(at);
            };
        }
        int bit = index * bits;
        return (Byte.toUnsignedInt(block.get(bit / 8)) >>> (bit % 8)) & ((1 << bits) - 1);
    }

    static void put(ByteBuffer block, int index, int order, long value) {
        int bits = 1 << order;
        if (bits >= 8) {
            int bytes = bits / 8;
            int at = index * bytes;
            switch (bytes) {
                case 1 -> block.put(at, (byte) value);
                case 2 -> block.putShort(at, (short) value);
                case 4 -> block.putInt(at, (int) value);
                default -> block.putLong(at, value);
            }
            return;
        }
        int bit = index * bits;
        int mask = ((1 << bits) - 1) << (bit % 8);
        int old = Byte.toUnsignedInt(block.get(bit / 8));
        block.put(bit / 8, (byte) ((old & ~mask) | (((int) value << (bit % 8)) & mask)));
    }

    /** The largest refcount a field of {@code order} holds. */
    static long max(int order) {
        int bits = 1 << order;
        return bits >= 64 ? Long.MAX_VALUE : (1L << bits) - 1;
    }

    /** Bytes holding refcount {@code index}: the unit of a read-modify-write of one entry. */
    static int byteOffset(int index, int order) {
        int bits = 1 << order;
        return bits >= 8 ? index * (bits / 8) : index * bits / 8;
    }

    static int byteLength(int order) {
        return Math.max(1, (1 << order) / 8);
    }
}
