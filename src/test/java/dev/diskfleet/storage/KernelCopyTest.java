package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw exports whose chunks the kernel moves from file to file ({@link HostExtent}), and clones of the same
 * chains through the batched write paths: the copy reads exactly as its source, every chunk that reads as
 * zeros still stays unallocated, and a chunk that only starts with zeros is still copied. Judged by
 * reading back, by our check and by {@code qemu-img}.
 */
class KernelCopyTest {

    private static final int MIB = 1 << 20;
    private static final long SIZE = 40L * MIB;

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"vdi", "qcow2"})
    void clonesAndExportsOfAChainReadAsTheChainAndStaySparse(String format) throws Exception {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            store.create(base, format, SIZE, Variant.DYNAMIC);
            Random random = new Random(20);
            for (long mib : new long[] {0, 3, 4, 5, 17, 30}) {
                store.write(base, mib * MIB, noise(random, MIB));
            }
            // Chunk 9 is stored but reads as zeros (two half writes of zeros); chunk 12 only starts with zeros.
            store.write(base, 9L * MIB, ByteBuffer.allocate(MIB / 2));
            store.write(base, 9L * MIB + MIB / 2, ByteBuffer.allocate(MIB / 2));
            ByteBuffer startsWithZeros = noise(random, MIB);
            startsWithZeros.put(0, new byte[64 * 1024]);
            store.write(base, 12L * MIB, startsWithZeros);
            UUID child = UUID.randomUUID();
            store.createDifferencing(child, base);
            store.write(child, 4L * MIB, noise(random, MIB));
            store.write(child, 21L * MIB + 4096, noise(random, 8192));

            ByteBuffer expected = ByteBuffer.allocate((int) SIZE);
            store.read(child, 0, expected);
            for (String target : new String[] {"vdi", "qcow2"}) {
                UUID clone = UUID.randomUUID();
                store.clone(child, clone, target, Variant.DYNAMIC, Progress.NONE);
                ByteBuffer actual = ByteBuffer.allocate((int) SIZE);
                store.read(clone, 0, actual);
                assertThat(Arrays.mismatch(actual.array(), expected.array())).as("%s clone", target).isEqualTo(-1);
                CheckReport report = store.check(clone);
                assertThat(report.isClean()).isTrue();
                // Chunks 0, 3, 4, 5, 12, 17, 21 and 30 hold data; chunk 9 reads as zeros and is left out. A
                // qcow2 clone also leaves out the 64 KiB clusters of zeros in chunks 12 and 21.
                assertThat(report.allocatedUnits()).as("units stored by the %s clone", target)
                        .isEqualTo(target.equals("vdi") ? 8 : 6 * 16 + 15 + 1);
            }
            Path exported = root.resolve("exported.raw");
            store.export(child, "raw", exported);
            assertThat(Arrays.mismatch(Files.readAllBytes(exported), expected.array())).isEqualTo(-1);
            assertThat(diskUsage(exported)).isLessThanOrEqualTo(8L * MIB + 64 * 1024);

            QemuTools.require("qemu-img");
            Path qcow2Clone = root.resolve(store.lineage(child).get(0) + "-copy.qcow2");
            store.export(child, "qcow2", qcow2Clone);
            QemuTools.assertCheckClean(qcow2Clone);
            QemuTools.assertIdentical(qcow2Clone, exported);
        }
    }

    private static ByteBuffer noise(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** Bytes the file occupies (st_blocks × 512): the JDK has no attribute for it, {@code stat} does. */
    static long diskUsage(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
        String blocks = new String(stat.getInputStream().readAllBytes()).trim();
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(blocks) * 512;
    }
}
