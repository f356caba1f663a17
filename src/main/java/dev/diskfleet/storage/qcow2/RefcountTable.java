package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The refcount table, held in memory (at most QEMU's 8 MiB, and never more than the file holds), and
 * the refcounts in its blocks. Only the single writer and the check use it, both under the image's
 * monitor, so it needs no locking of its own.
 *
 * <p>The most recently used refcount blocks are cached (QEMU's refcount-block cache): the writer is the
 * only one changing them, so reading a refcount costs no system call, and a change is written through at
 * once (only the bytes that changed), so the on-disk order the callers rely on is unchanged.
 */
final class RefcountTable {

    /** Blocks kept at most: 8 blocks of 64 KiB with 16-bit refcounts describe 16 GiB of host file. */
    static final int CACHED_BLOCKS = 8;

    private final HostFile host;
    private final ClusterGeometry g;
    private long offset;
    private long[] blocks;
    /** Host offset of a refcount block to its content, as on disk. */
    private final Map<Long, ByteBuffer> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ByteBuffer> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };

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
        return RefcountCodec.get(cached(block), (int) (cluster % g.refcountsPerBlock()), g.refcountOrder());
    }

    /** Sets one refcount; its block must exist ({@link ClusterAllocator} makes sure of it). */
    void set(long cluster, long value) {
        set(cluster, 1, value);
    }

    /**
     * Sets the refcounts of {@code count} consecutive clusters, with one write per refcount block they
     * touch (one for a run of clusters allocated together). Their blocks must exist.
     */
    void set(long firstCluster, int count, long value) {
        if (value < 0 || value > RefcountCodec.max(g.refcountOrder())) {
            throw new StorageException(host.name() + ": refcount of cluster " + firstCluster + " would become "
                    + value + ", beyond what " + g.refcountBits() + "-bit refcounts hold");
        }
        long cluster = firstCluster;
        long end = firstCluster + count;
        while (cluster < end) {
            long block = cluster < coverage() ? blocks[(int) (cluster / g.refcountsPerBlock())] : 0;
            if (block == 0) {
                throw new IllegalStateException("cluster " + cluster + " has no refcount block");
            }
            int first = (int) (cluster % g.refcountsPerBlock());
            int last = (int) Math.min(g.refcountsPerBlock() - 1L, first + (end - cluster) - 1);
            ByteBuffer content = cached(block);
            for (int i = first; i <= last; i++) {
                RefcountCodec.put(content, i, g.refcountOrder(), value);
            }
            int from = RefcountCodec.byteOffset(first, g.refcountOrder());
            int to = RefcountCodec.byteOffset(last, g.refcountOrder()) + RefcountCodec.byteLength(g.refcountOrder());
            host.write(content.duplicate().limit(to).position(from), block + from);
            cluster += last - first + 1;
        }
    }

    /**
     * Lowers a refcount by one; a refcount already at zero is left alone (the file was wrong before).
     *
     * @return whether the cluster is now free: its refcount went from one to zero
     */
    boolean decrement(long cluster) {
        long current = get(cluster);
        if (current > 0) {
            set(cluster, current - 1);
        }
        return current == 1;
    }

    ByteBuffer readBlock(int index) {
        ByteBuffer block = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
        host.read(block, blocks[index]);
        return block.clear();
    }

    void writeBlock(long hostOffset, ByteBuffer content) {
        host.write(content.duplicate().clear(), hostOffset);
        cache.remove(hostOffset);
    }

    /** Points table entry {@code index} at a block on disk, then in memory. */
    void setBlock(int index, long blockOffset) {
        host.write(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(0, blockOffset), offset + index * 8L);
        // The cluster a dropped block leaves may hold other data later: its cached content must go.
        cache.remove(blocks[index]);
        blocks[index] = blockOffset;
    }

    /** Adopts a table that was written elsewhere and that the header now names. */
    void relocated(long newOffset, long[] newBlocks) {
        offset = newOffset;
        blocks = newBlocks;
        cache.clear();
    }

    long[] blocksCopy(int length) {
        long[] copy = new long[length];
        System.arraycopy(blocks, 0, copy, 0, Math.min(length, blocks.length));
        return copy;
    }

    /** The content of the refcount block at {@code blockOffset}, read once and then kept up to date. */
    private ByteBuffer cached(long blockOffset) {
        ByteBuffer content = cache.get(blockOffset);
        if (content == null) {
            content = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
            host.read(content, blockOffset);
            content.clear();
            cache.put(blockOffset, content);
        }
        return content;
    }

    private static ImageFormatException fail(HostFile host, String format, Object... args) {
        return new ImageFormatException("qcow2", host.name(), host.name() + ": " + String.format(format, args));
    }
}
