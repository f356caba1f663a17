package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.TreeSet;

/**
 * Hands out host clusters at the end of the file, and makes sure each one has a refcount block before
 * anything is written into it, so that the caller can set its refcount before the table that points at
 * it is written (QEMU's order: data, refcount, then the pointer to it).
 *
 * <p>New refcount blocks go where the next free cluster is and count themselves; when the refcount table
 * cannot describe the next cluster, a larger table and the blocks for its own clusters are written past
 * the end of the file, the header is switched to them in one write, and only then is the old table freed.
 * A crash at any point leaves at most leaked clusters, never a cluster in use with a refcount of zero.
 *
 * <p>Clusters this writer freed (their refcount dropped to zero after nothing pointed at them any more,
 * see {@link Qcow2Image}) are handed out again before the file grows, lowest first, as QEMU's
 * {@code free_cluster_index} does. Only clusters freed by this writer are reused: a zero refcount read
 * from a file we did not write could be a damaged refcount of a cluster still in use.
 */
final class ClusterAllocator {

    /** A healthy file has no refcounts past its end; skipping more than this many is a damaged file. */
    private static final int MAX_SKIPPED = 1 << 16;

    private final HostFile host;
    private final ClusterGeometry g;
    private final RefcountTable refcounts;
    private long nextFree;
    private final TreeSet<Long> freed = new TreeSet<>();

    /** Consecutive host clusters handed out together: {@code count} clusters from {@code first}. */
    record ClusterRun(long first, int count) {
    }

    ClusterAllocator(HostFile host, ClusterGeometry g, RefcountTable refcounts, long fileLength) {
        this.host = host;
        this.g = g;
        this.refcounts = refcounts;
        restartAfter(fileLength);
    }

    /** Allocation resumes at the first cluster boundary at or after {@code fileLength}. */
    void restartAfter(long fileLength) {
        nextFree = g.clustersFor(fileLength);
        freed.clear();
    }

    /**
     * Records a cluster whose refcount this writer has just set to zero, after the pointer to it was made
     * durable: it may be reserved again.
     */
    void freed(long cluster) {
        if (cluster < nextFree) {
            freed.add(cluster);
        }
    }

    /**
     * Up to {@code wanted} consecutive free clusters (at least one), each with a refcount block, for data
     * written in one request. A run comes from the end of the file; a freed cluster is handed out alone.
     */
    ClusterRun reserveRun(int wanted) {
        boolean fromEnd = freed.isEmpty();
        long first = reserve();
        int count = 1;
        while (fromEnd && count < wanted && canExtend(first + count)) {
            nextFree = first + count + 1;
            count++;
        }
        return new ClusterRun(first, count);
    }

    /** Whether {@code cluster}, the next at the end, is free and has a refcount block already. */
    private boolean canExtend(long cluster) {
        return cluster == nextFree && cluster < refcounts.coverage()
                && refcounts.block((int) (cluster / g.refcountsPerBlock())) != 0 && refcounts.get(cluster) == 0;
    }

    /**
     * A free cluster whose refcount block exists. Its refcount is still 0: the caller writes the cluster's
     * content, then sets the refcount to 1, then publishes the cluster.
     */
    long reserve() {
        Long reused = freed.pollFirst();
        if (reused != null) {
            return reused;
        }
        int skipped = 0;
        while (true) {
            long cluster = nextFree;
            if (cluster >= refcounts.coverage()) {
                growTable(cluster);
                continue;
            }
            int blockIndex = (int) (cluster / g.refcountsPerBlock());
            if (refcounts.block(blockIndex) == 0) {
                addSelfCountingBlock(cluster, blockIndex);
                continue;
            }
            nextFree = cluster + 1;
            if (refcounts.get(cluster) == 0) {
                return cluster;
            }
            if (++skipped > MAX_SKIPPED) {
                throw new ImageFormatException("qcow2", host.name(), host.name() + ": refcounts mark more than " + MAX_SKIPPED
                        + " clusters past the end of the file as used; repair it with 'qemu-img check -r leaks'");
            }
        }
    }

    /** A refcount block at {@code cluster} that covers the cluster itself: written first, then linked. */
    private void addSelfCountingBlock(long cluster, int blockIndex) {
        ByteBuffer block = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
        RefcountCodec.put(block, (int) (cluster % g.refcountsPerBlock()), g.refcountOrder(), 1);
        refcounts.writeBlock(g.offsetOf(cluster), block);
        host.barrier();
        // The caller's barrier before it publishes anything orders this link too.
        refcounts.setBlock(blockIndex, g.offsetOf(cluster));
        nextFree = cluster + 1;
    }

    /**
     * Writes a larger refcount table at {@code start} (a cluster the old table cannot describe, so free),
     * preceded by the refcount blocks that describe the new clusters, all counting one another.
     */
    private void growTable(long start) {
        int perBlock = g.refcountsPerBlock();
        int entriesPerCluster = g.clusterSize() / 8;
        long tableClusters = refcounts.clusters() + 1L;
        long blockCount = 1;
        while (true) {
            long end = start + blockCount + tableClusters;
            long firstBlock = start / perBlock;
            long lastBlock = (end - 1) / perBlock;
            long neededBlocks = lastBlock - firstBlock + 1;
            // Room for twice what is needed now, so growing stays rare.
            long neededClusters = Math.max(refcounts.clusters() + 1L,
                    ((lastBlock + 1) * 2 + entriesPerCluster - 1) / entriesPerCluster);
            if (neededBlocks == blockCount && neededClusters == tableClusters) {
                break;
            }
            blockCount = Math.max(blockCount, neededBlocks);
            tableClusters = Math.max(tableClusters, neededClusters);
        }
        if ((tableClusters << g.clusterBits()) > ClusterGeometry.MAX_REFCOUNT_TABLE_BYTES) {
            throw new StorageException(host.name() + ": the file has reached qcow2's refcount table limit ("
                    + ClusterGeometry.MAX_REFCOUNT_TABLE_BYTES + " bytes of table) and cannot grow further");
        }
        long firstBlock = start / perBlock;
        long tableStart = start + blockCount;
        long end = tableStart + tableClusters;
        long[] table = refcounts.blocksCopy((int) (tableClusters * entriesPerCluster));
        for (long b = 0; b < blockCount; b++) {
            ByteBuffer block = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
            long covered = (firstBlock + b) * perBlock;
            for (long c = Math.max(start, covered); c < Math.min(end, covered + perBlock); c++) {
                RefcountCodec.put(block, (int) (c - covered), g.refcountOrder(), 1);
            }
            refcounts.writeBlock(g.offsetOf(start + b), block);
            table[(int) (firstBlock + b)] = g.offsetOf(start + b);
        }
        ByteBuffer encoded = ByteBuffer.allocate((int) (tableClusters << g.clusterBits())).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < table.length; i++) {
            encoded.putLong(i * 8, table[i]);
        }
        host.write(encoded, g.offsetOf(tableStart));
        host.barrier();
        long oldOffset = refcounts.offset();
        int oldClusters = refcounts.clusters();
        host.write(Qcow2Header.encodeRefcountTableFields(g.offsetOf(tableStart), (int) tableClusters),
                Qcow2Header.OFF_REFCOUNT_TABLE_OFFSET);
        host.barrier();
        refcounts.relocated(g.offsetOf(tableStart), table);
        // The old table is no longer referenced: free it (a crash before this only leaks it).
        for (long c = g.clusterOf(oldOffset); c < g.clusterOf(oldOffset) + oldClusters; c++) {
            if (refcounts.decrement(c)) {
                freed(c);
            }
        }
        nextFree = end;
    }
}
