package dev.diskfleet.storage;

import java.nio.ByteBuffer;

/** Zero-filling and zero-testing of buffers without allocating per call. */
public final class Zeros {

    private static final byte[] ZEROS = new byte[64 * 1024];

    private Zeros() {
    }

    /** Fills the remaining bytes of {@code dst} with zeros and advances its position to the limit. */
    public static void fill(ByteBuffer dst) {
        while (dst.hasRemaining()) {
            dst.put(ZEROS, 0, Math.min(ZEROS.length, dst.remaining()));
        }
    }

    /** Whether every remaining byte of {@code buf} is zero; the position is left unchanged. */
    public static boolean isAllZero(ByteBuffer buf) {
        int i = buf.position();
        int end = buf.limit();
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            if (buf.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
