package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.diskfleet.storage.vdi.VdiFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of mutated VDI headers and block maps, each opened, read whole and (every few rounds)
 * written a little. The driver may refuse a file, but only with a {@link StorageException}; it must never
 * hang, never change a file it opened read-only, and a file it accepted and wrote must reopen and read
 * back what was written.
 */
class VdiFuzzTest {

    private static final int ITERATIONS = 5_000;
    private static final long SEED = 0x5EED_D15CL;
    private static final int MIB = 1 << 20;
    /** The valid image: 4 blocks (the last one short), blocks 1 and 3 written. */
    private static final long DISK = 3L * MIB + 1000;
    private static final int[] INTERESTING_INTS = {0, 1, 2, 3, 4, 5, -1, -2, 0x7FFFFFFF, 0x80000000, 255, 256, 511,
        512, 513, 1024, 4095, 4096, 4097, MIB - 1, MIB, MIB + 1, 2 * MIB, 64 * MIB, 128 * MIB, 0x3FFFFFFF, 0x40000000};
    private static final long[] INTERESTING_LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 60, DISK - 1,
        DISK + 1, 2 * DISK, 4L * MIB, 3L * MIB, 0x3FFFFFFFL << 20, (0x3FFFFFFFL << 20) + 1, 1L << 32};
    /** Header fields as (offset, size); UUIDs are 16 bytes. */
    private static final int[][] FIELDS = {{0x40, 4}, {0x44, 4}, {0x48, 4}, {0x4C, 4}, {0x50, 4}, {0x154, 4},
        {0x158, 4}, {0x15C, 4}, {0x160, 4}, {0x164, 4}, {0x168, 4}, {0x170, 8}, {0x178, 4}, {0x17C, 4},
        {0x180, 4}, {0x184, 4}, {0x188, 16}, {0x198, 16}, {0x1A8, 16}, {0x1B8, 16}};

    @TempDir
    Path dir;

    private Path file;
    private byte[] pristine;
    /** Reused buffer for the file's bytes after each iteration. */
    private byte[] fileBytes;
    private int mutableEnd;
    private ExecutorService runner;

    @BeforeEach
    void writeValidImage() throws IOException {
        UUID id = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(dir.resolve("store"))) {
            store.create(id, "vdi", DISK, Variant.DYNAMIC);
            store.write(id, MIB + 5, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            store.write(id, DISK - 3, ByteBuffer.wrap(new byte[] {4, 5, 6}));
        }
        pristine = Files.readAllBytes(dir.resolve("store").resolve(id + ".vdi"));
        mutableEnd = ByteBuffer.wrap(pristine).order(ByteOrder.LITTLE_ENDIAN).getInt(VdiFileBytes.OFF_DATA);
        fileBytes = new byte[pristine.length];
        file = dir.resolve("fuzzed.vdi");
        Files.write(file, pristine);
        runner = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stopRunner() {
        runner.shutdownNow();
    }

    @Test
    void mutatedHeadersAndBlockMapsAreReadOrRefusedWithAStorageExceptionNeverAnythingElse() throws Exception {
        Random random = new Random(SEED);
        int opened = 0;
        int written = 0;
        boolean dirty = false;
        for (int i = 0; i < ITERATIONS; i++) {
            long iterationSeed = random.nextLong();
            if (dirty) {
                restoreWholeFile();
            }
            Mutant mutant = mutate(new Random(iterationSeed));
            mutant.writeTo(file);
            dirty = mutant.length() < pristine.length;
            boolean write = i % 8 == 0;
            Outcome outcome = runBounded(i, iterationSeed, mutant, () -> exercise(mutant, write, iterationSeed));
            opened += outcome.opened ? 1 : 0;
            written += outcome.wrote ? 1 : 0;
            dirty |= outcome.wrote;
        }
        // The mutations must leave enough files valid for the read and write paths to be exercised.
        assertThat(opened).as("mutants that opened").isGreaterThan(ITERATIONS / 10);
        assertThat(written).as("mutants written to").isGreaterThan(ITERATIONS / 50);
    }

    private record Outcome(boolean opened, boolean wrote) {
    }

    @FunctionalInterface
    private interface Iteration {
        Outcome run() throws Exception;
    }

    private Outcome runBounded(int index, long seed, Mutant mutant, Iteration iteration) throws Exception {
        Future<Outcome> future = runner.submit(iteration::run);
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return fail("iteration %d (seed %d, %s) did not finish within 10 s", index, seed, mutant);
        } catch (ExecutionException e) {
            return fail("iteration %d (seed %d, %s) failed:%n%s", index, seed, mutant, stackTrace(e.getCause()));
        }
    }

    private Outcome exercise(Mutant mutant, boolean write, long seed) throws Exception {
        boolean opened = false;
        try (ImageFile image = new VdiFormat().open(file, false)) {
            opened = true;
            readEverything(image, new Random(seed));
        } catch (StorageException refused) {
            // a refusal is a fine answer; anything else escapes and fails the iteration
        }
        assertUnchanged(mutant);
        return new Outcome(opened, write && writeALittle(mutant, new Random(seed)));
    }

    /** Reads every stored unit, a random range through a chain, and runs a check. */
    private static void readEverything(ImageFile image, Random random) {
        ByteBuffer buf = ByteBuffer.allocate(Math.min(image.unitSize(), MIB));
        for (long unit = 0; unit < image.unitCount(); unit++) {
            if (image.unitState(unit) != UnitState.DATA) {
                continue;
            }
            long start = unit * image.unitSize();
            long end = Math.min(image.virtualSize(), start + image.unitSize());
            for (long pos = start; pos < end; pos += buf.capacity()) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                image.read(pos, buf);
            }
        }
        image.check();
        if (image.parentLink().isEmpty()) {
            try (Chain chain = new Chain(List.of(image))) {
                long offset = random.nextLong(image.virtualSize());
                chain.read(offset, ByteBuffer.allocate((int) Math.min(MIB + MIB / 2, image.virtualSize() - offset)));
            }
        }
    }

    /**
     * Writes a few bytes through a chain when the file opens writable; then the file must reopen and
     * read back what was written.
     */
    private boolean writeALittle(Mutant mutant, Random random) {
        byte[] data = new byte[1 + random.nextInt(3000)];
        random.nextBytes(data);
        long offset;
        try (ImageFile image = new VdiFormat().open(file, true)) {
            if (image.parentLink().isPresent()) {
                return false;
            }
            offset = random.nextLong(Math.max(1, image.virtualSize() - data.length));
            data = Arrays.copyOf(data, (int) Math.min(data.length, image.virtualSize() - offset));
            new Chain(List.of(image)).write(offset, ByteBuffer.wrap(data));
            image.flush();
        } catch (StorageException refused) {
            return false;
        }
        try (ImageFile reopened = new VdiFormat().open(file, false); Chain chain = new Chain(List.of(reopened))) {
            ByteBuffer back = ByteBuffer.allocate(data.length);
            chain.read(offset, back);
            assertThat(back.array()).as("bytes written at %d into %s, read after reopening", offset, mutant)
                    .isEqualTo(data);
            readEverything(reopened, random);
        }
        return true;
    }

    /** The file still holds exactly the mutant's bytes: a read-only open wrote nothing, anywhere. */
    private void assertUnchanged(Mutant mutant) throws IOException {
        int length = (int) mutant.length();
        ByteBuffer seen = ByteBuffer.wrap(fileBytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(channel.size()).as("length after read-only use of %s", mutant).isEqualTo(length);
            while (seen.position() < length && channel.read(seen, seen.position()) > 0) {
                // keep reading
            }
        }
        int head = Math.min(length, mutableEnd);
        assertThat(Arrays.mismatch(fileBytes, 0, head, mutant.head, 0, head))
                .as("first changed byte after read-only use of %s", mutant).isEqualTo(-1);
        assertThat(Arrays.mismatch(fileBytes, head, length, pristine, head, length))
                .as("first changed data byte (after %d) after read-only use of %s", head, mutant).isEqualTo(-1);
    }

    private void restoreWholeFile() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(pristine.length);
            channel.write(ByteBuffer.wrap(pristine), 0);
        }
    }

    /** The file's bytes after mutation: the pristine image with its first {@code mutableEnd} bytes changed. */
    private final class Mutant {
        private final byte[] head;
        private final List<String> changes = new ArrayList<>();
        private long length = pristine.length;

        Mutant() {
            head = Arrays.copyOf(pristine, mutableEnd);
        }

        ByteBuffer le() {
            return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        }

        long length() {
            return length;
        }

        void writeTo(Path target) throws IOException {
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(head), 0);
                channel.truncate(length);
            }
        }

        @Override
        public String toString() {
            return "mutant " + changes + " of length " + length;
        }
    }

    private Mutant mutate(Random random) {
        Mutant m = new Mutant();
        int mapStart = m.le().getInt(VdiFileBytes.OFF_BLOCKS);
        int mutations = 1 + random.nextInt(3);
        for (int k = 0; k < mutations; k++) {
            switch (random.nextInt(10)) {
                case 0, 1 -> {
                    int at = 0x40 + random.nextInt(0x1D8 - 0x40);
                    int bit = random.nextInt(8);
                    m.head[at] ^= (byte) (1 << bit);
                    m.changes.add(String.format("flip bit %d of byte 0x%X", bit, at));
                }
                case 2, 3, 4 -> setField(m, random);
                case 5, 6 -> {
                    int entry = random.nextInt(6);
                    int value = random.nextInt(3) == 0 ? random.nextInt(8) : pick(INTERESTING_INTS, random);
                    m.le().putInt(mapStart + 4 * entry, value);
                    m.changes.add(String.format("map entry %d = 0x%X", entry, value));
                }
                case 7 -> {
                    int at = random.nextInt(mutableEnd - 8);
                    byte[] noise = new byte[1 + random.nextInt(8)];
                    random.nextBytes(noise);
                    System.arraycopy(noise, 0, m.head, at, noise.length);
                    m.changes.add(String.format("%d random bytes at 0x%X", noise.length, at));
                }
                case 8 -> {
                    int at = 0x40 + random.nextInt(0x1D8 - 0x40);
                    byte value = (byte) random.nextInt(256);
                    m.head[at] = value;
                    m.changes.add(String.format("byte 0x%X = 0x%02X", at, value));
                }
                default -> {
                    if (random.nextInt(3) == 0) {
                        long cut = random.nextBoolean() ? random.nextLong(pristine.length)
                                : mutableEnd + (long) random.nextInt(3) * MIB + random.nextInt(9) - 4;
                        m.length = Math.max(0, Math.min(m.length, cut));
                        m.changes.add("truncate to " + m.length);
                    }
                }
            }
        }
        return m;
    }

    private static void setField(Mutant m, Random random) {
        int[] field = FIELDS[random.nextInt(FIELDS.length)];
        ByteBuffer b = m.le();
        switch (field[1]) {
            case 4 -> {
                int value = random.nextInt(4) == 0 ? b.getInt(field[0]) + random.nextInt(5) - 2
                        : pick(INTERESTING_INTS, random);
                b.putInt(field[0], value);
                m.changes.add(String.format("u32 at 0x%X = 0x%X", field[0], value));
            }
            case 8 -> {
                long value = INTERESTING_LONGS[random.nextInt(INTERESTING_LONGS.length)];
                b.putLong(field[0], value);
                m.changes.add(String.format("u64 at 0x%X = %d", field[0], value));
            }
            default -> {
                int kind = random.nextInt(3);
                int source = 0x188 + 16 * random.nextInt(4);
                for (int i = 0; i < 16; i++) {
                    m.head[field[0] + i] = switch (kind) {
                        case 0 -> 0;
                        case 1 -> (byte) random.nextInt(256);
                        default -> m.head[source + i];
                    };
                }
                m.changes.add(String.format("uuid at 0x%X = %s", field[0],
                        kind == 0 ? "nil" : kind == 1 ? "random" : String.format("copy of 0x%X", source)));
            }
        }
    }

    private static int pick(int[] values, Random random) {
        return values[random.nextInt(values.length)];
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
