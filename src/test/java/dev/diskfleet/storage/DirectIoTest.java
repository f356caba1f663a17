package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O a copy does past the page cache: a clone's data written directly ({@link DirectWrites}) and a
 * cold source read directly ({@link ColdReads}). Whatever path a run takes, the bytes are the same; what
 * is cached, unaligned or refused takes the ordinary path.
 */
class DirectIoTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void aCloneIsWrittenPastTheCacheSoACloneOfItReadsItsSourceDirectlyAndBothMatch() throws Exception {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            ByteBuffer data = noise(new Random(7), 3 * MIB);
            UUID clone = coldCloneOf(store, base, data);

            ImageFormat vdi = ImageFormats.installed().stream().filter(f -> f.name().equals("vdi")).findFirst().orElseThrow();
            try (ImageFile layer = vdi.open(root.resolve(clone + ".vdi"), false); ColdReads cold = new ColdReads()) {
                Chain chain = new Chain(List.of(layer));
                ByteBuffer direct = DirectWrites.allocateAligned(MIB);
                assertThat(readCold(cold, chain, 2L * MIB, direct)).as("the clone's block, never cached, is read directly")
                        .isTrue();
                assertThat(direct.flip()).isEqualTo(data.duplicate().position(MIB).limit(2 * MIB));

                ByteBuffer cached = DirectWrites.allocateAligned(MIB);
                chain.read(2L * MIB, cached);
                chain.read(3L * MIB, cached.clear());
                assertThat(readCold(cold, chain, 3L * MIB, DirectWrites.allocateAligned(MIB)))
                        .as("a block cached after this copy first looked (as read-ahead caches one) is still read "
                                + "directly").isTrue();
                chain.read(0, ByteBuffer.allocateDirect(8 * MIB));
                try (ColdReads later = new ColdReads()) {
                    assertThat(readCold(later, chain, 2L * MIB, DirectWrites.allocateAligned(MIB)))
                            .as("a block already cached when a copy looks is read from the cache").isFalse();
                }
                assertThat(readCold(cold, chain, 3L * MIB + 512, DirectWrites.allocateAligned(4096)))
                        .as("an unaligned offset").isFalse();
                assertThat(readCold(cold, chain, 6L * MIB, DirectWrites.allocateAligned(MIB)))
                        .as("a block the image does not hold").isFalse();
            }

            UUID second = UUID.randomUUID();
            store.clone(clone, second, "qcow2", Variant.DYNAMIC, Progress.NONE);
            ByteBuffer expected = ByteBuffer.allocate(8 * MIB);
            ByteBuffer actual = ByteBuffer.allocate(8 * MIB);
            store.read(base, 0, expected);
            store.read(second, 0, actual);
            assertThat(actual.flip()).isEqualTo(expected.flip());
            assertThat(store.check(second).isClean()).isTrue();
        }
    }

    @Test
    void aRawExportOfAColdImageBypassesTheCacheBothWaysWhileACachedImageIsMovedByTheKernel() throws Exception {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            ByteBuffer data = noise(new Random(11), 3 * MIB);
            UUID clone = coldCloneOf(store, UUID.randomUUID(), data);
            Path cloneFile = root.resolve(clone + ".vdi");
            long cachedBefore = cachedPages(cloneFile);

            Path cold = root.resolve("cold.raw");
            store.export(clone, "raw", cold);
            assertThat(cachedPages(cloneFile)).as("the clone's blocks were read past the cache").isEqualTo(cachedBefore);
            assertThat(cachedPages(cold)).as("the export's data was written past the cache (only its last byte, "
                    + "which sets its length, went through it)").isLessThanOrEqualTo(1);
            assertReadsAs(cold, data);

            store.read(clone, 0, ByteBuffer.allocateDirect(8 * MIB));
            Path warm = root.resolve("warm.raw");
            store.export(clone, "raw", warm);
            assertThat(cachedPages(warm)).as("a cached source is moved by the kernel, through the cache")
                    .isGreaterThanOrEqualTo(3 * MIB / 4096);
            assertReadsAs(warm, data);
        }
    }

    /**
     * An 8 MiB VDI {@code base} holding {@code data} at 1 MiB, and its VDI clone, whose blocks were written
     * past the page cache and so are not cached; returns the clone.
     */
    private static UUID coldCloneOf(ImageStore store, UUID base, ByteBuffer data) {
        store.create(base, "vdi", 8L * MIB, Variant.DYNAMIC);
        store.write(base, MIB, data.duplicate());
        UUID clone = UUID.randomUUID();
        store.clone(base, clone, "vdi", Variant.DYNAMIC, Progress.NONE);
        return clone;
    }

    /** What a copy's reader does with a chunk: read it directly if one layer stores it as one cold run. */
    private static boolean readCold(ColdReads cold, Chain chain, long offset, ByteBuffer dst) {
        return cold.read(chain.hostExtent(offset, dst.remaining()).orElse(null), dst);
    }

    /** A raw disk of 8 MiB holding {@code data} at 1 MiB and zeros elsewhere, with holes where the zeros are. */
    private static void assertReadsAs(Path raw, ByteBuffer data) throws Exception {
        byte[] bytes = Files.readAllBytes(raw);
        assertThat(bytes).hasSize(8 * MIB);
        assertThat(ByteBuffer.wrap(bytes, MIB, 3 * MIB)).isEqualTo(data.duplicate());
        assertThat(ByteBuffer.wrap(bytes, 4 * MIB, 4 * MIB)).isEqualTo(ByteBuffer.allocate(4 * MIB));
        assertThat(KernelCopyTest.diskUsage(raw)).as("zeros stay holes").isLessThan(4L * MIB);
    }

    /** Pages of {@code file} in the page cache, as the kernel reports them (mincore through a mapping). */
    private static long cachedPages(Path file) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer pages = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            long cached = 0;
            for (int page = 0; page < pages.capacity(); page += 4096) {
                if (pages.slice(page, Math.min(4096, pages.capacity() - page)).isLoaded()) {
                    cached++;
                }
            }
            return cached;
        }
    }

    @Test
    void directWritesTakeAlignedRunsAndLeaveTheRestToTheBufferedChannel() throws Exception {
        Path file = root.resolve("built");
        try (FileChannel buffered = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE); DirectWrites direct = DirectWrites.open(file)) {
            ByteBuffer aligned = DirectWrites.allocateAligned(64 * 1024);
            aligned.put(noise(new Random(1), 64 * 1024)).flip();
            direct.write(buffered, aligned, 4096);
            assertThat(aligned.hasRemaining()).isFalse();
            ByteBuffer heap = noise(new Random(2), 1000);
            direct.write(buffered, heap, 4096 + 64 * 1024 + 3);
            assertThat(heap.hasRemaining()).isFalse();

            byte[] written = Files.readAllBytes(file);
            assertThat(written).hasSize(4096 + 64 * 1024 + 3 + 1000);
            assertThat(ByteBuffer.wrap(written, 4096, 64 * 1024)).isEqualTo(aligned.flip());
            assertThat(ByteBuffer.wrap(written, 4096 + 64 * 1024 + 3, 1000)).isEqualTo(heap.flip());
        }
    }

    private static ByteBuffer noise(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }
}
