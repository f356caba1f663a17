package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads read through a 3-deep chain while one thread writes into its top. A block the writer
 * allocates is published only once its data is stored, so every reader sees, for each block, either the
 * content it had before or the content the writer gave it: never a mix, never garbage.
 */
class ChainConcurrencyTest {

    private static final int MIB = 1 << 20;
    private static final int BLOCKS = 16;
    private static final int READERS = 4;

    @TempDir
    Path root;

    /** What the writer does to one block of the top image. */
    enum Change { WHOLE, PARTIAL, ZEROS, NONE }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readersSeeEachBlockEitherBeforeOrAfterTheWriterChangedItNeverAMix() throws Exception {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            UUID mid = UUID.randomUUID();
            store.create(base, "vdi", (long) BLOCKS * MIB, Variant.DYNAMIC);
            byte[][] before = new byte[BLOCKS][];
            for (int b = 0; b < BLOCKS; b++) {
                before[b] = pattern(b, 0);
                store.write(base, (long) b * MIB, ByteBuffer.wrap(before[b]));
            }
            store.createDifferencing(mid, base);
            for (int b = 0; b < BLOCKS; b += 3) {
                before[b] = pattern(b, 1);
                store.write(mid, (long) b * MIB, ByteBuffer.wrap(before[b]));
            }
            for (int round = 0; round < 3; round++) {
                UUID top = UUID.randomUUID();
                store.createDifferencing(top, mid);
                runRound(store, top, before, new Random(round));
                store.delete(top);
            }
        }
    }

    private void runRound(ImageStore store, UUID top, byte[][] before, Random random) throws Exception {
        Change[] changes = new Change[BLOCKS];
        byte[][] after = new byte[BLOCKS][];
        for (int b = 0; b < BLOCKS; b++) {
            changes[b] = Change.values()[random.nextInt(Change.values().length)];
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

        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        CountDownLatch started = new CountDownLatch(READERS);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            long seed = random.nextLong();
            Thread reader = new Thread(() -> {
                started.countDown();
                readUntilDone(store, top, before, after, new Random(seed), writing, problems, reads);
            }, "reader-" + r);
            readers.add(reader);
            reader.start();
        }
        started.await();
        for (int b : order) {
            switch (changes[b]) {
                case WHOLE, ZEROS -> store.write(top, (long) b * MIB, ByteBuffer.wrap(after[b]));
                case PARTIAL -> store.write(top, (long) b * MIB + 1000, ByteBuffer.wrap(after[b], 1000, MIB / 2));
                case NONE -> { }
            }
        }
        writing.set(false);
        for (Thread reader : readers) {
            reader.join();
        }

        assertThat(problems).as("what readers saw during the writes").isEmpty();
        assertThat(reads.get()).as("reads done while writing").isGreaterThanOrEqualTo(READERS);
        for (int b = 0; b < BLOCKS; b++) {
            ByteBuffer seen = ByteBuffer.allocate(MIB);
            store.read(top, (long) b * MIB, seen);
            assertThat(Arrays.mismatch(seen.array(), after[b])).as("block %d after the writer finished", b)
                    .isEqualTo(-1);
        }
    }

    /** Reads random single blocks and pairs of blocks until the writer is done, then once more. */
    private static void readUntilDone(ImageStore store, UUID top, byte[][] before, byte[][] after, Random random,
            AtomicBoolean writing, ConcurrentLinkedQueue<String> problems, AtomicLong reads) {
        ByteBuffer buf = ByteBuffer.allocate(2 * MIB);
        boolean last = false;
        while (!last && problems.isEmpty()) {
            last = !writing.get();
            int first = random.nextInt(BLOCKS);
            int count = first + 1 < BLOCKS && random.nextBoolean() ? 2 : 1;
            int skip = random.nextInt(MIB / 2);
            int length = count * MIB - skip - random.nextInt(MIB / 2);
            buf.clear().limit(length);
            try {
                store.read(top, (long) first * MIB + skip, buf);
            } catch (RuntimeException e) {
                problems.add("read at block " + first + " threw " + e);
                return;
            }
            reads.incrementAndGet();
            for (int pos = 0; pos < length; ) {
                long offset = (long) first * MIB + skip + pos;
                int block = (int) (offset / MIB);
                int inBlock = (int) (offset % MIB);
                int n = Math.min(length - pos, MIB - inBlock);
                if (!sameBytes(buf.array(), pos, before[block], inBlock, n)
                        && !sameBytes(buf.array(), pos, after[block], inBlock, n)) {
                    problems.add("block " + block + " read as neither its old nor its new content");
                }
                pos += n;
            }
        }
    }

    private static boolean sameBytes(byte[] seen, int from, byte[] expected, int expectedFrom, int length) {
        return Arrays.mismatch(seen, from, from + length, expected, expectedFrom, expectedFrom + length) < 0;
    }

    private static byte[] pattern(int block, int generation) {
        byte[] bytes = new byte[MIB];
        new Random(block * 1000L + generation).nextBytes(bytes);
        return bytes;
    }
}
