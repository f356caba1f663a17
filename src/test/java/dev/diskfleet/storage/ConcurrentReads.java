package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several threads read while one thread writes, the contract's concurrency promise. In a chain (formats
 * with differencing images) the writer fills units of the top image, which a driver publishes only once
 * their data is stored: every reader sees, for each unit, its content before or after, never a mix. A
 * raw image is written in place, so there the promise is per byte: old or new, never garbage.
 */
final class ConcurrentReads {

    private static final int MIB = 1 << 20;
    private static final int BLOCKS = 16;
    private static final int READERS = 4;

    /** What the writer does to one block. */
    private enum Change { WHOLE, PARTIAL, ZEROS, NONE }

    private final ImageStore store;
    private final String format;
    private final boolean inAChain;
    /** The format's allocation unit: what a reader sees whole, old or new. */
    private final int unit;

    ConcurrentReads(ImageStore store, String format, boolean inAChain, int unit) {
        this.store = store;
        this.format = format;
        this.inAChain = inAChain;
        this.unit = unit;
    }

    void run() throws InterruptedException {
        UUID base = UUID.randomUUID();
        store.create(base, format, (long) BLOCKS * MIB, Variant.DYNAMIC);
        byte[][] before = new byte[BLOCKS][];
        for (int b = 0; b < BLOCKS; b++) {
            before[b] = pattern(b, 0);
            store.write(base, (long) b * MIB, ByteBuffer.wrap(before[b]));
        }
        UUID written = base;
        if (inAChain) {
            UUID mid = UUID.randomUUID();
            store.createDifferencing(mid, base);
            for (int b = 0; b < BLOCKS; b += 3) {
                before[b] = pattern(b, 1);
                store.write(mid, (long) b * MIB, ByteBuffer.wrap(before[b]));
            }
            written = mid;
        }
        for (int round = 0; round < 3; round++) {
            UUID target = written;
            if (inAChain) {
                target = UUID.randomUUID();
                store.createDifferencing(target, written);
            }
            before = runRound(target, before, new Random(round));
            if (inAChain) {
                store.delete(target);
                before = restore(written);
            }
        }
    }

    private byte[][] restore(UUID id) {
        byte[][] blocks = new byte[BLOCKS][];
        for (int b = 0; b < BLOCKS; b++) {
            ByteBuffer seen = ByteBuffer.allocate(MIB);
            store.read(id, (long) b * MIB, seen);
            blocks[b] = seen.array();
        }
        return blocks;
    }

    /** Returns what each block holds afterwards. */
    private byte[][] runRound(UUID target, byte[][] before, Random random) throws InterruptedException {
        Change[] changes = new Change[BLOCKS];
        byte[][] after = new byte[BLOCKS][];
        int writes = 0;
        for (int b = 0; b < BLOCKS; b++) {
            changes[b] = Change.values()[random.nextInt(Change.values().length)];
            writes += changes[b] == Change.NONE ? 0 : 1;
            after[b] = switch (changes[b]) {
                case WHOLE -> pattern(b, 2);
                case ZEROS -> new byte[MIB];
                case PARTIAL -> {
                    byte[] mixed = before[b].clone();
                    System.arraycopy(pattern(b, 3), 0, mixed, 1000, MIB / 2);
                    yield mixed;
                }
                case NONE -> before[b];
            };
        }
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < BLOCKS; b++) {
            order.add(b);
        }
        Collections.shuffle(order, random);

        AtomicBoolean writing = new AtomicBoolean(false);
        AtomicBoolean done = new AtomicBoolean(false);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        // Reads that began after the first write started and ended before the last one finished.
        AtomicLong readsDuringWrites = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            long seed = random.nextLong();
            Thread reader = new Thread(() -> readUntilDone(target, before, after, new Random(seed), writing, done,
                    problems, readsDuringWrites), "reader-" + r);
            readers.add(reader);
            reader.start();
        }
        writing.set(true);
        for (int b : order) {
            if (changes[b] != Change.NONE) {
                // Let the readers in between writes, so that they do overlap the writer on a loaded machine.
                awaitReads(readsDuringWrites, readsDuringWrites.get() + 1, problems);
            }
            switch (changes[b]) {
                case WHOLE, ZEROS -> store.write(target, (long) b * MIB, ByteBuffer.wrap(after[b]));
                case PARTIAL -> store.write(target, (long) b * MIB + 1000, ByteBuffer.wrap(after[b], 1000, MIB / 2));
                case NONE -> { }
            }
        }
        writing.set(false);
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }

        assertThat(problems).as("what readers saw during the writes").isEmpty();
        assertThat(readsDuringWrites.get()).as("reads that overlapped the %d writes", writes)
                .isGreaterThanOrEqualTo(writes);
        for (int b = 0; b < BLOCKS; b++) {
            ByteBuffer seen = ByteBuffer.allocate(MIB);
            store.read(target, (long) b * MIB, seen);
            assertThat(Arrays.mismatch(seen.array(), after[b])).as("block %d after the writer finished", b)
                    .isEqualTo(-1);
        }
        return after;
    }

    private static void awaitReads(AtomicLong reads, long wanted, ConcurrentLinkedQueue<String> problems)
            throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (reads.get() < wanted && problems.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private void readUntilDone(UUID target, byte[][] before, byte[][] after, Random random, AtomicBoolean writing,
            AtomicBoolean done, ConcurrentLinkedQueue<String> problems, AtomicLong readsDuringWrites) {
        ByteBuffer buf = ByteBuffer.allocate(2 * MIB);
        while (!done.get() && problems.isEmpty()) {
            boolean startedDuringWrites = writing.get();
            int first = random.nextInt(BLOCKS);
            int count = first + 1 < BLOCKS && random.nextBoolean() ? 2 : 1;
            int skip = random.nextInt(MIB / 2);
            int length = count * MIB - skip - random.nextInt(MIB / 2);
            buf.clear().limit(length);
            try {
                store.read(target, (long) first * MIB + skip, buf);
            } catch (RuntimeException e) {
                problems.add("read at block " + first + " threw " + e);
                return;
            }
            if (startedDuringWrites && writing.get()) {
                readsDuringWrites.incrementAndGet();
            }
            for (int pos = 0; pos < length; ) {
                long offset = (long) first * MIB + skip + pos;
                int block = (int) (offset / MIB);
                int inBlock = (int) (offset % MIB);
                int n = Math.min(length - pos, unit - (int) (offset % unit));
                if (!oldOrNew(buf.array(), pos, before[block], after[block], inBlock, n)) {
                    problems.add("bytes " + offset + "+" + n + " of block " + block
                            + " read as neither their old nor their new content");
                }
                pos += n;
            }
        }
    }

    private boolean oldOrNew(byte[] seen, int from, byte[] old, byte[] fresh, int at, int length) {
        if (inAChain) {
            return Arrays.mismatch(seen, from, from + length, old, at, at + length) < 0
                    || Arrays.mismatch(seen, from, from + length, fresh, at, at + length) < 0;
        }
        for (int i = 0; i < length; i++) {
            if (seen[from + i] != old[at + i] && seen[from + i] != fresh[at + i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] pattern(int block, int generation) {
        byte[] bytes = new byte[MIB];
        new Random(block * 1000L + generation).nextBytes(bytes);
        return bytes;
    }
}
