package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Empties an image in place (autoreset) and leaves exact refcounts, without a dirty bit: the L1 table is
 * zeroed first (from then on every other cluster is merely leaked), then the refcount blocks are rewritten
 * to count only the header, the L1 table, the refcount table and the blocks still needed, then blocks that
 * describe nothing any more are unlinked, and the file is cut after the last structure kept. Every step
 * leaves a consistent file: a crash between steps only leaks clusters.
 */
final class Qcow2Reset {

    private final HostFile host;
    private final ClusterGeometry g;
    private final ClusterMap map;
    private final RefcountTable refcounts;
    /** Clusters that stay in use: header, L1 table, refcount table, as [first, last] ranges. */
    private final List<long[]> kept = new ArrayList<>();
    private final Set<Integer> neededBlocks = new HashSet<>();
    private final List<Integer> droppedBlocks = new ArrayList<>();

    Qcow2Reset(HostFile host, ClusterGeometry g, ClusterMap map, RefcountTable refcounts) {
        this.host = host;
        this.g = g;
        this.map = map;
        this.refcounts = refcounts;
    }

    /** Empties the image and returns the new file length. Plans first, so a refusal changes nothing. */
    long run() {
        plan();
        map.clear();
        host.barrier();
        for (int index : neededBlocks) {
            refcounts.writeBlock(refcounts.block(index), blockContent(index, true));
        }
        host.barrier();
        if (!droppedBlocks.isEmpty()) {
            List<Long> droppedClusters = new ArrayList<>();
            for (int index : droppedBlocks) {
                droppedClusters.add(g.clusterOf(refcounts.block(index)));
                refcounts.setBlock(index, 0);
            }
            host.barrier();
            for (int index : neededBlocks) {
                if (droppedClusters.stream().anyMatch(c -> c / g.refcountsPerBlock() == index)) {
                    refcounts.writeBlock(refcounts.block(index), blockContent(index, false));
                }
            }
            host.barrier();
        }
        long end = end();
        if (end < host.length()) {
            host.truncate(end);
        }
        return Math.min(end, host.length());
    }

    private void plan() {
        kept.add(new long[] {0, 0});
        if (map.l1Size() > 0) {
            kept.add(range(map.l1Offset(), map.l1Size() * 8L));
        }
        kept.add(range(refcounts.offset(), (long) refcounts.clusters() << g.clusterBits()));
        Deque<Long> work = new ArrayDeque<>();
        for (long[] r : kept) {
            for (long c = r[0]; c <= r[1]; c++) {
                work.add(c);
            }
        }
        while (!work.isEmpty()) {
            long cluster = work.poll();
            long index = cluster / g.refcountsPerBlock();
            if (index >= refcounts.size() || refcounts.block((int) index) == 0) {
                throw new StorageException(host.name() + ": cannot empty the image: cluster " + cluster
                        + " of its metadata has no refcount block; repair it with 'qemu-img check -r all'");
            }
            if (neededBlocks.add((int) index)) {
                work.add(g.clusterOf(refcounts.block((int) index)));
            }
        }
        for (int i = 0; i < refcounts.size(); i++) {
            if (refcounts.block(i) != 0 && !neededBlocks.contains(i)) {
                droppedBlocks.add(i);
            }
        }
    }

    /** Refcount 1 for every kept cluster the block describes, and for every block still linked. */
    private ByteBuffer blockContent(int index, boolean withDropped) {
        ByteBuffer block = ByteBuffer.allocate(g.clusterSize()).order(ByteOrder.BIG_ENDIAN);
        long first = (long) index * g.refcountsPerBlock();
        long last = first + g.refcountsPerBlock() - 1;
        for (long[] r : kept) {
            for (long c = Math.max(first, r[0]); c <= Math.min(last, r[1]); c++) {
                RefcountCodec.put(block, (int) (c - first), g.refcountOrder(), 1);
            }
        }
        List<Integer> linked = new ArrayList<>(neededBlocks);
        if (withDropped) {
            linked.addAll(droppedBlocks);
        }
        for (int other : linked) {
            long c = g.clusterOf(refcounts.block(other));
            if (c >= first && c <= last) {
                RefcountCodec.put(block, (int) (c - first), g.refcountOrder(), 1);
            }
        }
        return block;
    }

    /** The file ends with the last structure kept; the L1 table need not fill its last cluster. */
    private long end() {
        long end = g.clusterSize();
        if (map.l1Size() > 0) {
            end = Math.max(end, map.l1Offset() + map.l1Size() * 8L);
        }
        end = Math.max(end, refcounts.offset() + ((long) refcounts.clusters() << g.clusterBits()));
        for (int index : neededBlocks) {
            end = Math.max(end, refcounts.block(index) + g.clusterSize());
        }
        return end;
    }

    private long[] range(long offset, long length) {
        return new long[] {g.clusterOf(offset), g.clusterOf(offset + length - 1)};
    }
}
