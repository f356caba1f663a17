package dev.diskfleet.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Reads and patches fields of a VDI file in place, at the offsets docs/formats.md gives in
 * §1.1 "Pre-header", §1.2 "Header version 1.1" and §1.4 "Block map" (deliberately not the driver's
 * constants: the tests judge the driver against the specification).
 */
final class VdiFileBytes {

    static final int SIGNATURE = 0x40;
    static final int VERSION = 0x44;
    static final int HEADER_SIZE = 0x48;
    static final int TYPE = 0x4C;
    static final int OFF_BLOCKS = 0x154;
    static final int OFF_DATA = 0x158;
    static final int SECTOR_SIZE = 0x168;
    static final int DISK_SIZE = 0x170;
    static final int BLOCK_SIZE = 0x178;
    static final int BLOCK_EXTRA = 0x17C;
    static final int BLOCKS = 0x180;
    static final int BLOCKS_ALLOCATED = 0x184;
    static final int UUID_CREATE = 0x188;
    static final int UUID_MODIFY = 0x198;
    static final int UUID_LINKAGE = 0x1A8;
    static final int UUID_PARENT_MODIFY = 0x1B8;
    static final int FREE = 0xFFFFFFFF;
    static final int ZERO = 0xFFFFFFFE;

    private VdiFileBytes() {
    }

    static int getInt(Path file, long offset) throws IOException {
        return read(file, offset, 4).getInt(0);
    }

    static void putInt(Path file, long offset, int value) throws IOException {
        write(file, offset, le(4).putInt(0, value));
    }

    static void putLong(Path file, long offset, long value) throws IOException {
        write(file, offset, le(8).putLong(0, value));
    }

    static int mapEntry(Path file, int block) throws IOException {
        return getInt(file, Integer.toUnsignedLong(getInt(file, OFF_BLOCKS)) + 4L * block);
    }

    static void putMapEntry(Path file, int block, int entry) throws IOException {
        putInt(file, Integer.toUnsignedLong(getInt(file, OFF_BLOCKS)) + 4L * block, entry);
    }

    /** Writes a UUID in VirtualBox's byte order (formats.md §1.3 "UUID byte order"). */
    static void putUuid(Path file, long offset, UUID uuid) throws IOException {
        ByteBuffer b = le(16);
        long most = uuid.getMostSignificantBits();
        b.putInt(0, (int) (most >>> 32)).putShort(4, (short) (most >>> 16)).putShort(6, (short) most);
        b.order(ByteOrder.BIG_ENDIAN).putLong(8, uuid.getLeastSignificantBits());
        write(file, offset, b);
    }

    static byte[] bytes(Path file, long offset, int length) throws IOException {
        return read(file, offset, length).array();
    }

    static void putBytes(Path file, long offset, byte[] bytes) throws IOException {
        write(file, offset, ByteBuffer.wrap(bytes));
    }

    static void truncate(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(length);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer read(Path file, long offset, int length) throws IOException {
        ByteBuffer buf = le(length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining() && channel.read(buf, offset + buf.position()) > 0) {
                // keep reading
            }
        }
        return buf.clear();
    }

    private static void write(Path file, long offset, ByteBuffer src) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (src.hasRemaining()) {
                channel.write(src, offset + src.position());
            }
        }
    }
}
