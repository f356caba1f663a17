package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The refcount table, held in memory (at most QEMU's 8 MiB, and never more than the file holds), and
 * the refcounts in its blocks, read and written in place. Only the single writer and the check use it,
 * both under the image's monitor, so it needs no locking of its own.
 */
final class RefcountTable {

    private final HostFile host;
    private final ClusterGeometry g;
    private long offset;
    private long[] blocks;

    private RefcountTable(HostFile host, ClusterGeometry g, long offset, long[] blocks) {
        this.host = host;
        this.g = g;
        this.offset = offset;
        this.blocks = blocks;
    }

    /** Reads the table the validated header points at and checks every block offset against the file. */
    static RefcountTable load(HostFile host, ClusterGeometry g, long offset, int clusters, long fileLength) {
        ByteBuffer raw = ByteBuffer.allocate(clusters << g.clusterBits()).order(ByteOrder.BIG_ENDIAN);
        host.read(raw, offset);
        long[] blocks = new long[raw.capacity() / 8];
        for (int i = 0; i < blocks.length; i++) {
            long entry = raw.getLong(i * 8);
            if (entry == 0) {
                continue;
            }
            if ((entry & ClusterGeometry.REFCOUNT_TABLE_RESERVED_MASK) != 0) {
                throw fail(host, "refcount table entry %d (0x%016X) has reserved bits set", i, entry);
            }
            if (!g.isAligned(entry) || entry < g.clusterSize()) {
                throw fail(host, "refcount table entry %d points at offset %s, not a cluster past the header", i,
                        Long.toUnsignedString(entry));
            }
            if (entry > fileLength - g.clusterSize()) {
                throw fail(host, "refcount block %d at offset %s lies past the end of the %d-byte file", i,
                        Long.toUnsignedString(entry), fileLength);
            }
            blocks[i] = entry;
        }
        return new RefcountTable(host, g, offset, blocks);
    }

    long offset() {
        return offset;
    }

    int clusters() {
        return (int) ((blocks.length * 8L) >>> g.clusterBits());
    }

    int size() {
        return blocks.length;
    }

    /** Host offset of refcount block {@code index}, or 0 when the table has none there. */
    long block(int index) {
        return blocks[index];
    }

    /** Host clusters the table can describe. */
    long coverage() {
        return (long) blocks.length * g.refcountsPerBlock();
    }

    long get(long cluster) {
        if (cluster >= coverage()) {
            return 0;
        }
        long block = blocks[(int) (cluster / g.refcountsPerBlock())];
        if (block == 0) {
            return 0;
        }
        int index = (int) (cluster % g.refcountsPerBlock());
        ByteBuffer entry = readEntryBytes(block, index);
        return RefcountCodec.get(entry, rebased(index), g.refcountOrder());
    }

    /** Sets one refcount; its block must exist ({@link ClusterAllocator} makes sure of it). */
    void set(long cluster, long value) {
        if (value < 0 || value > RefcountCodec.max(g.refcountOrder())) {
            throw new StorageException(host.name() + ": refcount of cluster " + cluster + " would become " + value
                    + ", beyond what " + g.refcountBits() + "-bit refcounts hold");
        }
        long block = cluster < coverage() ? blocks[(int) (cluster / g.refcountsPerBlock())] : 0;
        if (block == 0) {
            throw new IllegalStateException("cluster " + cluster + " has no refcount block");
        }
        int index = (int) (cluster % g.refcountsPerBlock());
        ByteBuffer entry = readEntryBytes(block, index);
        RefcountCodec.put(entry, rebased(index), g.refcountOrder(), value);
        host.write(entry.rewind(), block + RefcountCodec.byteOffset(index, g.refcountOrder()));
    }

    /** Lowers a refcount by one; a refcount already at zero is left alone (the file was wrong before). */
    void decrement(long cluster) {
        long current = get(cluster);
        if (current > 0) {
            set(cluster, current - 1);
        }
    }

    ByteBuffer readBlock(int index) {
        ByteBuffer block = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
        host.read(block, blocks[index]);
        return block.clear();
    }

    void writeBlock(long hostOffset, ByteBuffer content) {
        host.write(content.duplicate().clear(), hostOffset);
    }

    /** Points table entry {@code index} at a block on disk, then in memory. */
    void setBlock(int index, long blockOffset) {
        host.write(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(0, blockOffset), offset + index * 8L);
        blocks[index] = blockOffset;
    }

    /** Adopts a table that was written elsewhere and that the header now names. */
    void relocated(long newOffset, long[] newBlocks) {
        offset = newOffset;
        blocks = newBlocks;
    }

    long[] blocksCopy(int length) {
        long[] copy = new long[length];
        System.arraycopy(blocks, 0, copy, 0, Math.min(length, blocks.length));
        return copy;
    }

    private ByteBuffer readEntryBytes(long block, int index) {
        ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        entry.limit(RefcountCodec.byteLength(g.refcountOrder()));
        host.read(entry, block + RefcountCodec.byteOffset(index, g.refcountOrder()));
        return entry.flip();
    }

    /** The index of refcount {@code index} inside the bytes {@link #readEntryBytes} returned. */
    private int rebased(int index) {
        int bits = g.refcountBits();
        return bits >= 8 ? 0 : index % (8 / bits);
    }

    private static ImageFormatException fail(HostFile host, String format, Object... args) {
        return new ImageFormatException(host.name() + ": " + String.format(format, args));
    }
}
