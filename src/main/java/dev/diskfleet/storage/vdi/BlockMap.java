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
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The in-memory copy of a VDI block map: for each virtual block, the index of its data block in the
 * file, or one of the two markers. Entries are published with volatile writes so that lock-free readers
 * see a block only after its data is in the file.
 *
 * <p>The map is kept in pages of {@value #PAGE_ENTRIES} entries, and a page whose entries are all free or
 * all zero is not kept at all: memory follows the data blocks an image holds, not its virtual size. An
 * 8 TiB image with nothing allocated (a 32 MiB upload, or a fresh differencing disk over it) costs a page
 * table of 8,192 references, not a 32 MiB array; and a page with a data entry needs a 1 MiB data block in
 * the file, so no file can make the map cost more than 4 KiB per MiB it holds.
 */
final class BlockMap {

    static final int FREE = 0xFFFFFFFF;
    static final int ZERO = 0xFFFFFFFE;

    static final int PAGE_ENTRIES = 1024;
    private static final int PAGE_SHIFT = 10;
    /** Entries read or written per chunk of file I/O: the map is never held whole in one buffer. */
    private static final int CHUNK_ENTRIES = 1 << 16;
    /** Stands for a page whose entries are all {@link #ZERO}; replaced by a real page at its first change. */
    private static final AtomicIntegerArray ALL_ZERO = new AtomicIntegerArray(0);

    private final int size;
    /** null: every entry of the page is FREE; {@link #ALL_ZERO}: every entry is ZERO; else the entries. */
    private final AtomicReferenceArray<AtomicIntegerArray> pages;

    private BlockMap(int size) {
        this.size = size;
        this.pages = new AtomicReferenceArray<>((int) ((size + (long) PAGE_ENTRIES - 1) >> PAGE_SHIFT));
    }

    static BlockMap allFree(int count) {
        return new BlockMap(count);
    }

    static BlockMap identity(int count) {
        BlockMap map = new BlockMap(count);
        for (int i = 0; i < count; i++) {
            map.set(i, i);
        }
        return map;
    }

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
     * <p>The map is read twice, in chunks: first to validate every entry, then to fill the in-memory pages.
     * Memory is thus spent only on a valid map, and only on its pages that hold data entries or a mix.
     */
    static BlockMap read(FileChannel channel, long offset, int count, long allocated, long blocksInFile, Path file) {
        // Sized by what may be used, not by the map: allocated blocks lie in the file.
        BitSet used = new BitSet((int) Math.min(allocated + 1, count));
        scan(channel, offset, count, file, (i, entry) -> {
            if (entry != FREE && entry != ZERO) {
                long index = Integer.toUnsignedLong(entry);
                boolean interrupted = index == allocated && index < blocksInFile;
                if (index >= allocated && !interrupted) {
                    throw ImageFormatException.in("vdi", file, String.format(
                            "block map entry %d points at data block %d, but only %d blocks are allocated",
                            i, index, allocated));
                }
                if (used.get((int) index)) {
                    throw ImageFormatException.in("vdi", file, String.format(
                            "block map entry %d points at data block %d, which another entry already uses",
                            i, index));
                }
                used.set((int) index);
            }
        });
        BlockMap map = new BlockMap(count);
        scan(channel, offset, count, file, (i, entry) -> {
            if (entry != FREE) {
                map.set(i, entry);
            }
        });
        map.compactZeroPages();
        return map;
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

    /** Pages that came out all ZERO while reading are kept as the marker, as pages all FREE are not kept. */
    private void compactZeroPages() {
        for (int p = 0; p < pages.length(); p++) {
            AtomicIntegerArray page = pages.get(p);
            if (page != null && page != ALL_ZERO && uniform(page, ZERO, entriesIn(p))) {
                pages.set(p, ALL_ZERO);
            }
        }
    }

    private int entriesIn(int page) {
        return Math.min(PAGE_ENTRIES, size - (page << PAGE_SHIFT));
    }

    private static boolean uniform(AtomicIntegerArray page, int value, int entries) {
        for (int i = 0; i < entries; i++) {
            if (page.get(i) != value) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return size;
    }

    int get(long block) {
        AtomicIntegerArray page = pages.get((int) (block >>> PAGE_SHIFT));
        if (page == null) {
            return FREE;
        }
        return page == ALL_ZERO ? ZERO : page.get((int) (block & (PAGE_ENTRIES - 1)));
    }

    /**
     * Sets one entry. A page that is not kept (all free or all zero) is made, filled with what it stood for,
     * before it is published, so a reader sees either the old page or the new one with every entry right.
     */
    void set(long block, int entry) {
        int p = (int) (block >>> PAGE_SHIFT);
        int offset = (int) (block & (PAGE_ENTRIES - 1));
        while (true) {
            AtomicIntegerArray page = pages.get(p);
            if (page != null && page != ALL_ZERO) {
                page.set(offset, entry);
                return;
            }
            if ((page == null && entry == FREE) || (page == ALL_ZERO && entry == ZERO)) {
                return;
            }
            AtomicIntegerArray made = new AtomicIntegerArray(PAGE_ENTRIES);
            int fill = page == null ? FREE : ZERO;
            for (int i = 0; i < PAGE_ENTRIES; i++) {
                made.set(i, fill);
            }
            made.set(offset, entry);
            if (pages.compareAndSet(p, page, made)) {
                return;
            }
        }
    }

    /** Every entry FREE again, and every page let go. */
    void clear() {
        for (int p = 0; p < pages.length(); p++) {
            pages.set(p, null);
        }
    }

    UnitState state(long block) {
        int entry = get(block);
        if (entry == FREE) {
            return UnitState.ABSENT;
        }
        return entry == ZERO ? UnitState.ZERO : UnitState.DATA;
    }

    /** Highest data block index referenced, plus one: how many data blocks the map accounts for. */
    long referencedBlocks() {
        long max = 0;
        for (int p = 0; p < pages.length(); p++) {
            AtomicIntegerArray page = pages.get(p);
            if (page == null || page == ALL_ZERO) {
                continue;
            }
            for (int i = 0; i < entriesIn(p); i++) {
                int entry = page.get(i);
                if (entry != FREE && entry != ZERO) {
                    max = Math.max(max, Integer.toUnsignedLong(entry) + 1);
                }
            }
        }
        return max;
    }

    /** Bytes the kept pages take: what this map costs in memory beyond its page table. */
    long pageBytes() {
        long bytes = 0;
        for (int p = 0; p < pages.length(); p++) {
            AtomicIntegerArray page = pages.get(p);
            bytes += page == null || page == ALL_ZERO ? 0 : PAGE_ENTRIES * 4L;
        }
        return bytes;
    }

    ByteBuffer encodeEntry(int entry) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, entry);
    }

    /** Writes the whole map at {@code offset}, a chunk at a time. */
    void writeTo(FileChannel channel, long offset, Path file) {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ENTRIES * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < size; first += CHUNK_ENTRIES) {
            int n = Math.min(CHUNK_ENTRIES, size - first);
            chunk.clear();
            for (int k = 0; k < n; k++) {
                chunk.putInt(get(first + k));
            }
            chunk.flip();
            FileIo.writeFully(channel, chunk, offset + first * 4L, file);
        }
    }
}
