package dev.diskfleet.storage.vdi;

import dev.diskfleet.storage.FileIo;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.UnitState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The in-memory copy of a VDI block map: for each virtual block, the index of its data block in the
 * file, or one of the two markers. Entries are published with volatile writes so that lock-free readers
 * see a block only after its data is in the file.
 */
final class BlockMap {

    static final int FREE = 0xFFFFFFFF;
    static final int ZERO = 0xFFFFFFFE;

    private final AtomicIntegerArray entries;

    private BlockMap(AtomicIntegerArray entries) {
        this.entries = entries;
    }

    static BlockMap allFree(int count) {
        AtomicIntegerArray entries = new AtomicIntegerArray(count);
        for (int i = 0; i < count; i++) {
            entries.set(i, FREE);
        }
        return new BlockMap(entries);
    }

    static BlockMap identity(int count) {
        AtomicIntegerArray entries = new AtomicIntegerArray(count);
        for (int i = 0; i < count; i++) {
            entries.set(i, i);
        }
        return new BlockMap(entries);
    }

    /** Entries read per chunk: the map is never held twice in memory, whatever its size. */
    private static final int CHUNK_ENTRIES = 1 << 16;

    @FunctionalInterface
    private interface EntryVisitor {
        void visit(int index, int entry);
    }

    /**
     * Reads and validates the on-disk entries. An entry may point at a data block below
     * {@code allocated}, or at block {@code allocated} itself when the file already holds it: that is an
     * allocation interrupted after the entry was written but before the header's counter was (the
     * crash-safe write order), and the block is complete.
     *
     * <p>The map is read twice, in chunks: first to validate every entry, then to fill the in-memory map.
     * Memory for the map is thus spent only on a valid one, and a valid map is never a hole in the file
     * (a hole reads as entries 0, which two blocks cannot share): its size is justified by real bytes.
     */
    static BlockMap read(FileChannel channel, long offset, int count, long allocated, long blocksInFile, Path file) {
        // Sized by what may be used, not by the map: allocated blocks lie in the file.
        BitSet used = new BitSet((int) Math.min(allocated + 1, count));
        scan(channel, offset, count, file, (i, entry) -> {
            if (entry != FREE && entry != ZERO) {
                long index = Integer.toUnsignedLong(entry);
                boolean interrupted = index == allocated && index < blocksInFile;
                if (index >= allocated && !interrupted) {
                    throw new ImageFormatException(String.format(
                            "%s: block map entry %d points at data block %d, but only %d blocks are allocated",
                            file.getFileName(), i, index, allocated));
                }
                if (used.get((int) index)) {
                    throw new ImageFormatException(String.format(
                            "%s: block map entry %d points at data block %d, which another entry already uses",
                            file.getFileName(), i, index));
                }
                used.set((int) index);
            }
        });
        AtomicIntegerArray entries = new AtomicIntegerArray(count);
        scan(channel, offset, count, file, entries::set);
        return new BlockMap(entries);
    }

    private static void scan(FileChannel channel, long offset, int count, Path file, EntryVisitor visitor) {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ENTRIES * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < count; first += CHUNK_ENTRIES) {
            int n = Math.min(CHUNK_ENTRIES, count - first);
            chunk.clear().limit(n * 4);
            FileIo.readFully(channel, chunk, offset + first * 4L, file);
            for (int k = 0; k < n; k++) {
                visitor.visit(first + k, chunk.getInt(k * 4));
            }
        }
    }

    int size() {
        return entries.length();
    }

    int get(long block) {
        return entries.get((int) block);
    }

    void set(long block, int entry) {
        entries.set((int) block, entry);
    }

    UnitState state(long block) {
        int entry = entries.get((int) block);
        if (entry == FREE) {
            return UnitState.ABSENT;
        }
        return entry == ZERO ? UnitState.ZERO : UnitState.DATA;
    }

    /** Highest data block index referenced, plus one: how many data blocks the map accounts for. */
    long referencedBlocks() {
        long max = 0;
        for (int i = 0; i < entries.length(); i++) {
            int entry = entries.get(i);
            if (entry != FREE && entry != ZERO) {
                max = Math.max(max, Integer.toUnsignedLong(entry) + 1);
            }
        }
        return max;
    }

    ByteBuffer encodeEntry(int entry) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, entry);
    }

    /** The on-disk bytes of entries {@code [from, to)}. */
    ByteBuffer encode(int from, int to) {
        ByteBuffer out = ByteBuffer.allocate((to - from) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; i++) {
            out.putInt(entries.get(i));
        }
        return out.flip();
    }
}
