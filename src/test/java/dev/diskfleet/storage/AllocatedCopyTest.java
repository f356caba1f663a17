package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clones and file exports copy only what a chain holds, read ahead on a second thread. */
class AllocatedCopyTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void rawFileExportOfAChainReadsExactlyAsTheChain() throws Exception {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID child = chainWithScatteredData(store);
            Path exported = root.resolve("exported.raw");

            store.export(child, "raw", exported);

            long size = store.describe(child).virtualSize();
            assertThat(Files.size(exported)).isEqualTo(size);
            ByteBuffer expected = ByteBuffer.allocate((int) size);
            store.read(child, 0, expected);
            assertThat(Arrays.mismatch(Files.readAllBytes(exported), expected.array())).isEqualTo(-1);
        }
    }

    @Test
    void cloneLeavesUnitsThatReadAsZerosUnallocated() {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID child = chainWithScatteredData(store);
            UUID clone = UUID.randomUUID();

            store.clone(child, clone, "vdi", Variant.DYNAMIC, Progress.NONE);

            // Blocks 0, 5 and 17..29 hold data; block 9 was zeroed in the child over parent data.
            CheckReport report = store.check(clone);
            assertThat(report.isClean()).isTrue();
            assertThat(report.allocatedUnits()).isEqualTo(15);
            ByteBuffer a = ByteBuffer.allocate(32 * MIB);
            ByteBuffer b = ByteBuffer.allocate(32 * MIB);
            store.read(child, 0, a);
            store.read(clone, 0, b);
            assertThat(a.flip()).isEqualTo(b.flip());
        }
    }

    @Test
    void aFailedCopyStopsItsReaderAndLeavesTheSourceUsable() {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID child = chainWithScatteredData(store);
            Progress failingAfterTwoChunks = (done, total) -> {
                if (done > 6 * MIB) {
                    throw new IllegalStateException("disk full (simulated)");
                }
            };

            assertThatThrownBy(() -> store.clone(child, UUID.randomUUID(), "vdi", Variant.DYNAMIC,
                    failingAfterTwoChunks)).hasMessageContaining("disk full (simulated)");

            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                    t -> t.getName().equals("diskfleet-copy-reader") && t.isAlive());
            assertThat(store.removeTemporaryFiles()).isEmpty();
            ByteBuffer stillReadable = ByteBuffer.allocate(MIB);
            store.read(child, 17L * MIB, stillReadable);
            assertThat(Zeros.isAllZero(stillReadable.flip())).isFalse();
        }
    }

    /** 32 MiB: data in blocks 0, 5, 9 of the base; block 9 zeroed and blocks 17..29 written in the child. */
    private static UUID chainWithScatteredData(ImageStore store) {
        UUID base = UUID.randomUUID();
        store.create(base, "vdi", 32L * MIB, Variant.DYNAMIC);
        Random random = new Random(7);
        for (int block : new int[] {0, 5, 9}) {
            store.write(base, (long) block * MIB + 1000, ByteBuffer.wrap(randomBytes(random, MIB / 2)));
        }
        UUID child = UUID.randomUUID();
        store.createDifferencing(child, base);
        store.write(child, 9L * MIB, ByteBuffer.allocate(MIB));
        store.write(child, 17L * MIB + 123, ByteBuffer.wrap(randomBytes(random, 12 * MIB)));
        return child;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
