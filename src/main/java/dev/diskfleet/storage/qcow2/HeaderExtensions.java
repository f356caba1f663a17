package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What the header extensions between the header and the backing file name tell us. Unknown extensions
 * are skipped (the specification allows it) and left in place: we never rewrite the header cluster, only
 * single fields of it.
 */
record HeaderExtensions(String backingFormat, boolean bitmaps, boolean cryptoHeader, boolean externalDataFile) {

    static final int END = 0;
    static final int BACKING_FORMAT = 0xE2792ACA;
    static final int FEATURE_NAME_TABLE = 0x6803F857;
    static final int BITMAPS = 0x23852875;
    static final int CRYPTO_HEADER = 0x0537BE77;
    static final int EXTERNAL_DATA_FILE = 0x44415441;
    /** QEMU keeps the backing format in a 16-byte buffer, NUL included. */
    static final int MAX_BACKING_FORMAT = 15;

    /**
     * Walks the extensions in {@code cluster0} (the file's first cluster, or all of the file when shorter)
     * from {@code start} up to {@code end}. Every step moves forward by at least 8 bytes, so the walk ends.
     */
    static HeaderExtensions parse(ByteBuffer cluster0, long start, long end, Path file) {
        ByteBuffer b = cluster0.duplicate().order(ByteOrder.BIG_ENDIAN);
        String backingFormat = null;
        boolean bitmaps = false;
        boolean crypto = false;
        boolean dataFile = false;
        long offset = start;
        while (offset < end) {
            if (offset + 8 > b.limit() || offset + 8 > end) {
                throw fail(file, "header extension at byte %d runs past the end of the header area (byte %d)",
                        offset, Math.min(end, b.limit()));
            }
            int type = b.getInt((int) offset);
            long length = Integer.toUnsignedLong(b.getInt((int) offset + 4));
            long data = offset + 8;
            if (type == END) {
                break;
            }
            if (data + length > end || data + length > b.limit()) {
                throw fail(file, "header extension 0x%08X at byte %d claims %d bytes, past the end of the header"
                        + " area (byte %d)", type, offset, length, Math.min(end, b.limit()));
            }
            switch (type) {
                case BACKING_FORMAT -> {
                    if (length > MAX_BACKING_FORMAT) {
                        throw fail(file, "backing format extension is %d bytes long, expected at most %d",
                                length, MAX_BACKING_FORMAT);
                    }
                    byte[] name = new byte[(int) length];
                    b.get((int) data, name);
                    backingFormat = new String(name, StandardCharsets.US_ASCII);
                }
                case BITMAPS -> bitmaps = true;
                case CRYPTO_HEADER -> crypto = true;
                case EXTERNAL_DATA_FILE -> dataFile = true;
                default -> {
                    // feature name table and unknown extensions: informative only
                }
            }
            offset = data + ((length + 7) & ~7L);
        }
        return new HeaderExtensions(backingFormat, bitmaps, crypto, dataFile);
    }

    private static ImageFormatException fail(Path file, String format, Object... args) {
        return ImageFormatException.in("qcow2", file, String.format(format, args));
    }
}
