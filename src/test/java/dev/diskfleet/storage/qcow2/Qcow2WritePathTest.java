package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.Qcow2ImageTest.assertClean;
import static dev.diskfleet.storage.qcow2.TestDisks.assertSameBytes;
import static dev.diskfleet.storage.qcow2.TestDisks.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.support.QemuTools;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qcow2 write path's batching (runs of clusters stored with one data write, one refcount write and one
 * L2 write), its multi-cluster reads, and the reuse of freed clusters, judged by reading back, by our check
 * and, where it is installed, by {@code qemu-img check} and {@code qemu-img compare}.
 */
class Qcow2WritePathTest {

    @TempDir
    Path dir;

    @Test
    void aLargeWriteSpanningManyL2TablesReadsBackAndChecksClean() throws Exception {
        // 512-byte clusters: an L2 table covers 64 clusters (32 KiB), so 1 MiB runs over 32 tables.
        Qcow2Format tiny = new Qcow2Format(9);
        int size = 3 << 20;
        byte[] expected = new byte[size];
        new Random(16).nextBytes(expected);
        Path file = dir.resolve(UUID.randomUUID() + ".qcow2");
        try (ImageFile image = tiny.create(file, NewImage.base(UUID.randomUUID(), size, Variant.DYNAMIC))) {
            Chain chain = new Chain(List.of(image));
            // One unaligned start, then large whole-cluster runs, as a clone's chunks arrive.
            chain.write(0, ByteBuffer.wrap(expected, 0, 700));
            chain.write(700, ByteBuffer.wrap(expected, 700, (1 << 20) - 700));
            chain.write(1 << 20, ByteBuffer.wrap(expected, 1 << 20, 2 << 20));
            assertSameBytes(readAll(chain), expected);
            assertClean(image);
            // Data clusters, 6144 of them, plus 96 L2 tables and the fixed metadata: nothing wasted.
            long clusters = image.allocatedBytes() / 512;
            assertThat(clusters).isLessThan(6144 + 96 + 64);
        }
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, expected);
        QemuTools.require("qemu-img");
        QemuTools.assertCheckClean(file);
        QemuTools.assertIdentical(file, raw);
    }

    /**
     * Write-back: new clusters read back at once through the writer, reach another opener only when the
     * writer flushes (or its dirty tables pass the bound), and the flushed file is what qemu-img expects.
     */
    @Test
    void cachedWritesReadBackAtOnceAndReachTheFileAtFlushOrAtTheDirtyTableBound() throws Exception {
        // 512-byte clusters: an L2 table covers 32 KiB, so 100 writes 32 KiB apart dirty 100 tables.
        Qcow2Format tiny = new Qcow2Format(9);
        int size = 100 * 32768;
        byte[] expected = new byte[size];
        Random random = new Random(41);
        Path file = dir.resolve(UUID.randomUUID() + ".qcow2");
        try (ImageFile image = tiny.create(file, NewImage.base(UUID.randomUUID(), size, Variant.DYNAMIC))) {
            image.flush();
            Chain chain = new Chain(List.of(image));
            for (int t = 0; t < 100; t++) {
                int offset = t * 32768 + 100;
                byte[] data = new byte[700];
                random.nextBytes(data);
                System.arraycopy(data, 0, expected, offset, data.length);
                chain.writeCached(offset, ByteBuffer.wrap(data));
            }
            assertSameBytes(readAll(chain), expected);
            try (ImageFile other = tiny.open(file, false)) {
                byte[] onDisk = readAll(new Chain(List.of(other)));
                long tablesOnDisk = java.util.stream.IntStream.range(0, 100)
                        .filter(t -> onDisk[t * 32768 + 100] == expected[t * 32768 + 100]
                                && Arrays.equals(Arrays.copyOfRange(onDisk, t * 32768 + 100, t * 32768 + 800),
                                        Arrays.copyOfRange(expected, t * 32768 + 100, t * 32768 + 800)))
                        .count();
                assertThat(tablesOnDisk).as("written back at the bound of dirty tables")
                        .isGreaterThanOrEqualTo(100 - Qcow2Image.MAX_DIRTY_TABLES - 1).isLessThan(100);
            }
            chain.flush();
            try (ImageFile other = tiny.open(file, false)) {
                assertSameBytes(readAll(new Chain(List.of(other))), expected);
            }
            assertClean(image);
        }
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, expected);
        QemuTools.require("qemu-img");
        QemuTools.assertCheckClean(file);
        QemuTools.assertIdentical(file, raw);
    }

    @Test
    void clustersWrittenOutOfOrderReadBackInOrder() {
        int cluster = 1 << 16;
        int clusters = 24;
        byte[] expected = new byte[clusters * cluster];
        new Random(17).nextBytes(expected);
        try (ImageFile image = new Qcow2Format().create(dir.resolve(UUID.randomUUID() + ".qcow2"),
                NewImage.base(UUID.randomUUID(), expected.length, Variant.DYNAMIC))) {
            Chain chain = new Chain(List.of(image));
            // Host order 23, 22, ..., then runs of 4 in forward order: reads must split where the host order breaks.
            for (int c = clusters - 1; c >= 12; c--) {
                chain.write((long) c * cluster, ByteBuffer.wrap(expected, c * cluster, cluster));
            }
            for (int c = 0; c < 12; c += 4) {
                chain.write((long) c * cluster, ByteBuffer.wrap(expected, c * cluster, 4 * cluster));
            }
            ByteBuffer whole = ByteBuffer.allocate(expected.length);
            chain.read(0, whole);
            assertSameBytes(whole.array(), expected);
            assertClean(image);
        }
    }

    @Test
    void aClusterTheWriterFreedIsReusedBeforeTheFileGrows() throws Exception {
        Path file = Qcow2Fixtures.base(dir, 16);
        int cluster = 1 << 16;
        byte[] replacement = new byte[cluster];
        new Random(18).nextBytes(replacement);
        byte[] extra = new byte[cluster];
        new Random(19).nextBytes(extra);
        try (ImageFile image = new Qcow2Format().open(file, true)) {
            Chain chain = new Chain(List.of(image));
            // Overwriting the compressed cluster stores it anew and frees the host cluster it was packed into.
            chain.write((long) Qcow2Fixtures.COMPRESSED_UNIT * cluster, ByteBuffer.wrap(replacement));
            long lengthAfterRewrite = image.allocatedBytes();
            chain.write(20L * cluster, ByteBuffer.wrap(extra));
            assertThat(image.allocatedBytes()).isEqualTo(lengthAfterRewrite);
            ByteBuffer read = ByteBuffer.allocate(cluster);
            chain.read(20L * cluster, read);
            assertThat(read.array()).isEqualTo(extra);
            chain.read((long) Qcow2Fixtures.COMPRESSED_UNIT * cluster, read.clear());
            assertThat(read.array()).isEqualTo(replacement);
            assertClean(image);
        }
        QemuTools.require("qemu-img");
        QemuTools.assertCheckClean(file);
    }
}
