package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

/**
 * The bytes a virtual disk must read as, kept in memory. Test disks are a few MiB, so holding the
 * expectation whole is fine here (the engine itself never holds a disk in memory).
 */
final class DiskModel {

    private final byte[] bytes;

    DiskModel(long size) {
        this.bytes = new byte[Math.toIntExact(size)];
    }

    private DiskModel(byte[] bytes) {
        this.bytes = bytes;
    }

    static DiskModel of(byte[] content) {
        return new DiskModel(content.clone());
    }

    DiskModel copy() {
        return new DiskModel(bytes.clone());
    }

    long size() {
        return bytes.length;
    }

    void write(long offset, byte[] data) {
        System.arraycopy(data, 0, bytes, Math.toIntExact(offset), data.length);
    }

    byte[] slice(long offset, int length) {
        return Arrays.copyOfRange(bytes, Math.toIntExact(offset), Math.toIntExact(offset) + length);
    }

    /** Applies a write to both the store and the model. */
    void write(ImageStore store, UUID id, RandomWrites.Write write) {
        store.write(id, write.offset(), ByteBuffer.wrap(write.data()));
        write(write.offset(), write.data());
    }

    /** Reads the whole disk through the store, a MiB at a time, and names the first byte that differs. */
    void assertReads(ImageStore store, UUID id) {
        assertThat(store.describe(id).virtualSize()).as("virtual size of %s", id).isEqualTo(size());
        int chunk = 1 << 20;
        for (long pos = 0; pos < size(); pos += chunk) {
            assertRange(store, id, pos, (int) Math.min(chunk, size() - pos));
        }
    }

    void assertRange(ImageStore store, UUID id, long offset, int length) {
        ByteBuffer seen = ByteBuffer.allocate(length);
        store.read(id, offset, seen);
        assertThat(seen.hasRemaining()).as("read filled its buffer").isFalse();
        assertSame(seen.array(), offset, "image " + id);
    }

    /** Fails naming the first virtual-disk offset where {@code seen} (read at {@code offset}) differs. */
    void assertSame(byte[] seen, long offset, String what) {
        byte[] expected = slice(offset, seen.length);
        int at = Arrays.mismatch(seen, expected);
        assertThat(at).as("%s: first differing byte at virtual offset %d (read %d bytes at %d)",
                what, at < 0 ? -1 : offset + at, seen.length, offset).isEqualTo(-1);
    }

    /** How many {@code blockSize} blocks hold a byte that is not zero: what a sparse copy must allocate. */
    long nonZeroBlocks(int blockSize) {
        long count = 0;
        for (int start = 0; start < bytes.length; start += blockSize) {
            int end = Math.min(bytes.length, start + blockSize);
            for (int i = start; i < end; i++) {
                if (bytes[i] != 0) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    /** The expected disk as a raw file, for {@code qemu-img compare}. */
    Path writeRaw(Path file) throws IOException {
        Files.write(file, bytes);
        return file;
    }
}
