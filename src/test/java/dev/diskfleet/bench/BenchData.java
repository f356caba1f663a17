package dev.diskfleet.bench;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * The bytes both sides work on, derived from fixed seeds so Diskfleet and qemu get identical data:
 * random 1 MiB blocks at scattered, distinct block positions of the virtual disk.
 */
final class BenchData {

    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;
    static final int BLOCK = (int) MIB;

    /** The 10 GiB golden disk holds 1 GiB: 1024 random blocks scattered over its 10240. */
    static final long DISK_SIZE = 10 * GIB;
    static final long[] GOLDEN_BLOCKS = scatter(1, 1024);
    /** The child of the 2-deep chain holds 100 MiB: 100 more random blocks, some over golden data. */
    static final long[] CHILD_BLOCKS = scatter(2, 100);

    private BenchData() {
    }

    /** The content of block {@code block} of layer {@code seed} (1 = golden, 2 = child). */
    static void fill(int seed, long block, ByteBuffer dst) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + block);
        dst.clear();
        while (dst.remaining() >= Long.BYTES) {
            dst.putLong(random.nextLong());
        }
        dst.flip();
    }

    private static long[] scatter(int seed, int count) {
        return new SplittableRandom(seed).longs(0, DISK_SIZE / BLOCK).distinct().limit(count).sorted()
                .toArray();
    }

    /** Writes {@code dataMiB} MiB of incompressible data spread evenly over image {@code id} of {@code size} bytes. */
    static void spread(dev.diskfleet.storage.ImageStore store, java.util.UUID id, long size, int dataMiB) {
        java.util.Random random = new java.util.Random(42);
        byte[] chunk = new byte[BLOCK];
        long stride = Math.max(MIB, size / dataMiB / MIB * MIB);
        for (int i = 0; i < dataMiB; i++) {
            random.nextBytes(chunk);
            store.write(id, i * stride, ByteBuffer.wrap(chunk));
        }
    }

    static long overlap() {
        return LongStream.of(CHILD_BLOCKS).filter(b -> LongStream.of(GOLDEN_BLOCKS).anyMatch(g -> g == b)).count();
    }
}
