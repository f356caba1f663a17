package dev.diskfleet.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one parser's inputs: each a seed with one to four mutations written over a victim file (and
 * undone afterwards), opened read-only, read and checked on a worker thread under a time bound, its heap
 * allocation counted. Only a {@link StorageException} is an acceptable refusal.
 */
final class FuzzRunner implements Closeable {

    /** Per input, on a loaded 2-core machine: a valid small image opens, reads and checks in about 1 ms. */
    static final long TIME_LIMIT_MS = 5_000;
    /** Per input: the seeds are at most a few MiB, so no table may justify more. */
    static final long ALLOCATION_LIMIT = 64L << 20;
    private static final int FULL_COMPARE_EVERY = 256;
    private static final int MAX_REPORTED = 20;
    private static final int PROGRESS_EVERY = 10_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    record Result(int inputs, int opened, int refused, List<String> failures) {
    }

    private record Outcome(boolean opened, boolean refused, long allocated) {
    }

    private record Mutation(int position, byte[] bytes) {
    }

    private final Path dir;
    private ExecutorService worker = newWorker();

    FuzzRunner(Path dir) {
        this.dir = dir;
    }

    Result run(FuzzTarget target, ImageFormat format, int inputs, Random random) throws IOException {
        Path victim = dir.resolve(target.name() + "." + target.format());
        Files.write(victim, new byte[0]);
        try (FileChannel writer = FileChannel.open(victim, StandardOpenOption.WRITE)) {
            return run(target, format, inputs, random, victim, writer);
        }
    }

    private Result run(FuzzTarget target, ImageFormat format, int inputs, Random random, Path victim,
            FileChannel writer) throws IOException {
        int opened = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        FuzzTarget.Seed current = null;
        for (int i = 0; i < inputs; i++) {
            if (i > 0 && i % PROGRESS_EVERY == 0) {
                System.out.printf("fuzz progress %s: %d inputs, %d failures so far%n", target.name(), i,
                        failures.size());
            }
            FuzzTarget.Seed seed = target.seeds().get(i % target.seeds().size());
            if (seed != current) {
                writer.truncate(0);
                writeFully(writer, ByteBuffer.wrap(seed.bytes()), 0);
                current = seed;
            }
            long inputSeed = random.nextLong();
            byte[] working = seed.bytes().clone();
            List<Mutation> mutations = mutate(seed, working, new Random(inputSeed),
                    target.format().equals("vdi") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            apply(writer, mutations, working);
            String name = target.name() + " input " + i + " (" + seed.name() + ", input seed " + inputSeed + ")";
            Outcome outcome = exercise(format, victim, inputSeed, name, failures);
            if (outcome != null) {
                opened += outcome.opened() ? 1 : 0;
                refused += outcome.refused() ? 1 : 0;
                if (outcome.allocated() > ALLOCATION_LIMIT) {
                    failures.add(name + ": allocated " + outcome.allocated() + " bytes, over the "
                            + ALLOCATION_LIMIT + "-byte bound");
                }
            }
            if (Files.size(victim) != working.length
                    || (i % FULL_COMPARE_EVERY == 0 && !Arrays.equals(Files.readAllBytes(victim), working))) {
                failures.add(name + ": a read-only open changed the file");
                writer.truncate(0);
                writeFully(writer, ByteBuffer.wrap(seed.bytes()), 0);
            } else {
                apply(writer, mutations, seed.bytes());
            }
        }
        List<String> shown = failures.size() > MAX_REPORTED ? failures.subList(0, MAX_REPORTED) : failures;
        return new Result(inputs, opened, refused, List.copyOf(shown.size() < failures.size()
                ? append(shown, "... " + (failures.size() - shown.size()) + " more") : failures));
    }

    private Outcome exercise(ImageFormat format, Path victim, long inputSeed, String name, List<String> failures) {
        Future<Outcome> future = worker.submit(() -> openReadAndCheck(format, victim, new Random(inputSeed)));
        try {
            return future.get(TIME_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            failures.add(name + ": took more than " + TIME_LIMIT_MS + " ms");
        } catch (ExecutionException e) {
            StringWriter trace = new StringWriter();
            e.getCause().printStackTrace(new PrintWriter(trace));
            failures.add(name + ": threw " + trace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return null;
    }

    private static Outcome openReadAndCheck(ImageFormat format, Path file, Random random) {
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        boolean opened = false;
        try (ImageFile image = format.open(file, false)) {
            opened = true;
            readSome(image, random);
            image.check();
        } catch (StorageException refused) {
            return new Outcome(opened, true, THREADS.getThreadAllocatedBytes(thread) - before);
        }
        return new Outcome(true, false, THREADS.getThreadAllocatedBytes(thread) - before);
    }

    /** The first units and some at random: up to 4 KiB of each that holds data. */
    private static void readSome(ImageFile image, Random random) {
        long units = image.unitCount();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        for (int k = 0; k < 32 && units > 0; k++) {
            long unit = k < 16 ? k : Math.floorMod(random.nextLong(), units);
            if (unit >= units || image.unitState(unit) != UnitState.DATA) {
                continue;
            }
            long offset = unit * image.unitSize();
            buffer.clear().limit((int) Math.min(buffer.capacity(), Math.min(image.unitSize(),
                    image.virtualSize() - offset)));
            image.read(offset, buffer);
        }
    }

    /**
     * One to four changes inside the parser's ranges: a random byte, a flipped bit, an interesting 32-bit
     * value, a meaningful 64-bit value (an offset or entry of this file, perhaps with a flag bit), or a
     * copy of another 8 bytes of the same range (two entries made to share a cluster).
     */
    private static List<Mutation> mutate(FuzzTarget.Seed seed, byte[] working, Random random, ByteOrder order) {
        List<Mutation> mutations = new ArrayList<>();
        int changes = 1 + random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            long[] range = seed.ranges().get(random.nextInt(seed.ranges().size()));
            int at = (int) (range[0] + random.nextInt((int) Math.min(Integer.MAX_VALUE, range[1])));
            ByteBuffer value = ByteBuffer.allocate(8).order(order);
            switch (random.nextInt(6)) {
                case 0 -> value.put((byte) random.nextInt(256));
                case 1 -> value.put((byte) (working[at] ^ (1 << random.nextInt(8))));
                case 2 -> {
                    at &= ~3;
                    value.putInt(interestingInt(seed, random));
                }
                case 3 -> {
                    at &= ~7;
                    value.putLong(meaningfulLong(seed, random));
                }
                case 4 -> {
                    at &= ~7;
                    int from = (int) ((range[0] + random.nextInt((int) Math.max(1, range[1]))) & ~7);
                    value.put(working, from, Math.min(8, working.length - from));
                }
                default -> {
                    at &= ~7;
                    long current = ByteBuffer.wrap(working, Math.min(at, working.length - 8), 8).order(order).getLong();
                    value.putLong(current + (random.nextInt(9) - 4) * 512L);
                }
            }
            int length = Math.min(value.position(), working.length - at);
            if (length > 0) {
                mutations.add(new Mutation(at, Arrays.copyOf(value.array(), length)));
                System.arraycopy(value.array(), 0, working, at, length);
            }
        }
        return mutations;
    }

    private static int interestingInt(FuzzTarget.Seed seed, Random random) {
        int[] values = {0, 1, 2, 3, 4, 7, 8, 9, 16, 21, 22, 63, 64, 72, 104, 112, 511, 512, 1023, 1024, 4096, 65535,
            65536, 1 << 20, 2 << 20, 1 << 28, 1 << 29, 0x3FFFFFFF, 0x40000000, Integer.MAX_VALUE, -1, -2,
            seed.bytes().length, 4_194_304, 4_194_305};
        return random.nextInt(3) == 0 ? (int) seed.meaningfulValues()[random.nextInt(seed.meaningfulValues().length)]
                : values[random.nextInt(values.length)];
    }

    private static long meaningfulLong(FuzzTarget.Seed seed, Random random) {
        long value = seed.meaningfulValues()[random.nextInt(seed.meaningfulValues().length)];
        return switch (random.nextInt(6)) {
            case 0 -> value | (1L << 63);
            case 1 -> value & ~(1L << 63);
            case 2 -> value | 1;
            case 3 -> (1L << 62) | (value & ((1L << 54) - 1));
            case 4 -> random.nextLong();
            default -> value;
        };
    }

    private static void apply(FileChannel channel, List<Mutation> mutations, byte[] source) throws IOException {
        for (Mutation m : mutations) {
            writeFully(channel, ByteBuffer.wrap(source, m.position(), m.bytes().length), m.position());
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
    }

    private static List<String> append(List<String> list, String more) {
        List<String> copy = new ArrayList<>(list);
        copy.add(more);
        return copy;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "fuzz-input");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
