package dev.diskfleet.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of valid files with their header and tables mutated at random (seeded, so a failure can be
 * replayed): whatever the bytes, the driver answers with a {@link StorageException} or works, never
 * with another exception, never hangs, and a read-only open never changes the file.
 */
class Qcow2FuzzTest {

    private static final int READ_ONLY_ROUNDS = 5200;
    private static final int WRITABLE_ROUNDS = 600;

    @TempDir
    Path dir;

    /** A valid file and the byte ranges of its metadata, where mutations are aimed. */
    record Seed(String name, byte[] bytes, List<long[]> targets, Path parent) {
    }

    @Test
    void mutatedFilesOnlyEverFailWithAStorageExceptionAndAreNeverChangedByReading() {
        List<Seed> seeds = List.of(seed("base, 512-byte clusters", Qcow2Fixtures.base(dir, 9)),
                seed("overlay, 512-byte clusters", Qcow2Fixtures.overlay(dir, 9)),
                seed("base, 4 KiB clusters", Qcow2Fixtures.base(dir, 12)));
        Path victim = dir.resolve("victim.qcow2");
        Random random = new Random(20240601);
        int[] refused = new int[1];
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            for (int round = 0; round < READ_ONLY_ROUNDS + WRITABLE_ROUNDS; round++) {
                Seed seed = seeds.get(round % seeds.size());
                byte[] mutated = mutate(seed, random);
                Files.write(victim, mutated);
                boolean writable = round >= READ_ONLY_ROUNDS;
                try {
                    if (writable) {
                        useWritable(victim, random);
                    } else {
                        Qcow2HostileFilesTest.useReadOnly(victim);
                    }
                } catch (StorageException expected) {
                    refused[0]++;
                } catch (Throwable unexpected) {
                    fail("round " + round + " (" + seed.name() + ", " + (writable ? "writable" : "read-only")
                            + ") threw " + unexpected, unexpected);
                }
                if (!writable && !java.util.Arrays.equals(Files.readAllBytes(victim), mutated)) {
                    fail("round " + round + " (" + seed.name() + "): a read-only open changed the file");
                }
            }
        });
        // The mutations must reach the validation, or this test proves nothing.
        assertThat(refused[0]).isGreaterThan((READ_ONLY_ROUNDS + WRITABLE_ROUNDS) / 4);
    }

    private static void useWritable(Path file, Random random) {
        try (ImageFile image = new Qcow2Format().open(file, true)) {
            Chain chain = new Chain(List.of(image));
            long size = image.virtualSize();
            for (int i = 0; i < 4 && size > 0; i++) {
                byte[] data = new byte[1 + random.nextInt(3000)];
                long offset = Math.floorMod(random.nextLong(), Math.max(1, Math.min(size, 1 << 20) - data.length));
                if (offset + data.length <= size) {
                    chain.write(offset, ByteBuffer.wrap(data));
                }
            }
            if (random.nextBoolean()) {
                image.discardAll();
            }
            image.check();
        }
    }

    private static Seed seed(String name, Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Qcow2Fixtures.Layout layout = Qcow2Fixtures.Layout.read(file);
            List<long[]> targets = new ArrayList<>();
            targets.add(new long[] {0, 160});
            targets.add(new long[] {layout.refcountTableOffset(), 32});
            targets.add(new long[] {layout.firstRefcountBlock(file), 64});
            targets.add(new long[] {layout.l1Offset(), 32});
            long l2 = layout.l2EntryOffset(file, 0);
            targets.add(new long[] {l2, 8 * 10});
            return new Seed(name, bytes, targets, file.getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One to four changes, aimed at metadata: random bytes, bit flips, or telling 32/64-bit values. */
    private static byte[] mutate(Seed seed, Random random) {
        byte[] bytes = seed.bytes().clone();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes; i++) {
            long[] target = seed.targets().get(random.nextInt(seed.targets().size()));
            int at = (int) (target[0] + random.nextInt((int) target[1]));
            if (at + 8 > bytes.length) {
                continue;
            }
            switch (random.nextInt(5)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b.putInt(at & ~3, interestingInt(random, bytes.length));
                default -> b.putLong(at & ~7, interestingLong(random, bytes.length, b.getLong(at & ~7)));
            }
        }
        return bytes;
    }

    private static int interestingInt(Random random, int length) {
        int[] values = {0, 1, 2, 3, 4, 7, 8, 9, 16, 21, 22, 63, 64, 104, 112, 1023, 1024, 65535, 65536,
            Integer.MAX_VALUE, -1, length, length / 512, 4_194_304, 4_194_305};
        return random.nextInt(4) == 0 ? random.nextInt() : values[random.nextInt(values.length)];
    }

    private static long interestingLong(Random random, int length, long current) {
        return switch (random.nextInt(9)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> length;
            case 3 -> length - 512;
            case 4 -> 1L << (9 + random.nextInt(50));
            case 5 -> current ^ (1L << random.nextInt(64));
            case 6 -> current + 512 * (random.nextInt(9) - 4);
            case 7 -> ClusterGeometry.COMPRESSED | random.nextLong() >>> 2;
            default -> random.nextLong();
        };
    }
}
