package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random reads and writes through {@link ImageStore}, checked against an in-memory model of what every
 * byte of every disk must read as: base images (dynamic and fixed), 3-deep chains, resets, merges,
 * clones, and reopening the store from disk in between.
 */
class ChainRoundTripTest {

    private static final long MIB = 1 << 20;
    private static final int BLOCK = RandomWrites.BLOCK;

    @TempDir
    Path root;

    private ImageStore store;

    @BeforeEach
    void openStore() {
        store = ImageStore.withDefaultFormats(root);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static Stream<Arguments> baseImages() {
        return Stream.of(
                arguments(Variant.DYNAMIC, 5 * MIB),
                arguments(Variant.DYNAMIC, 7 * MIB + 12_345),
                arguments(Variant.FIXED, 6 * MIB),
                arguments(Variant.FIXED, 9 * MIB - 1));
    }

    @ParameterizedTest(name = "{0} base of {1} bytes")
    @MethodSource("baseImages")
    void randomWritesOnABaseImageReadBackAsTheModelBeforeAndAfterReopening(Variant variant, long size) {
        Random random = new Random(size * 31 + variant.ordinal());
        RandomWrites writes = new RandomWrites(random, size);
        UUID id = UUID.randomUUID();
        store.create(id, "vdi", size, variant);
        DiskModel model = new DiskModel(size);

        for (int round = 0; round < 6; round++) {
            applyWrites(id, model, writes, 10);
            assertRandomReads(id, model, writes, 15);
        }
        model.assertReads(store, id);
        assertThat(store.check(id).isClean()).as("check of %s", id).isTrue();

        reopenStore();
        model.assertReads(store, id);
        assertThat(store.describe(id).variant()).isEqualTo(variant);
        applyWrites(id, model, writes, 10);
        reopenStore();
        model.assertReads(store, id);
        assertThat(store.check(id).isClean()).isTrue();
    }

    static Stream<Arguments> chains() {
        return Stream.of(
                arguments(Variant.DYNAMIC, 5 * MIB),
                arguments(Variant.DYNAMIC, 8 * MIB + 4097),
                arguments(Variant.FIXED, 6 * MIB + 512));
    }

    @ParameterizedTest(name = "{0} base of {1} bytes")
    @MethodSource("chains")
    void threeDeepChainsReadAsTheirModelsThroughResetsMergesClonesAndReopens(Variant baseVariant, long size) {
        Random random = new Random(size * 17 + baseVariant.ordinal());
        RandomWrites writes = new RandomWrites(random, size);
        UUID base = UUID.randomUUID();
        store.create(base, "vdi", size, baseVariant);
        DiskModel baseModel = new DiskModel(size);
        applyWrites(base, baseModel, writes, 12);

        UUID mid = UUID.randomUUID();
        store.createDifferencing(mid, base);
        DiskModel midModel = baseModel.copy();
        applyWrites(mid, midModel, writes, 12);

        UUID top = UUID.randomUUID();
        store.createDifferencing(top, mid);
        DiskModel topModel = midModel.copy();
        assertRandomReads(top, topModel, writes, 10);
        applyWrites(top, topModel, writes, 15);
        assertThat(store.lineage(top)).containsExactly(top, mid, base);
        assertChainReads(top, topModel, mid, midModel, base, baseModel, writes);

        store.reset(top);
        topModel = midModel.copy();
        assertThat(store.check(top).allocatedUnits()).isZero();
        assertChainReads(top, topModel, mid, midModel, base, baseModel, writes);
        applyWrites(top, topModel, writes, 15);

        reopenStore();
        assertChainReads(top, topModel, mid, midModel, base, baseModel, writes);
        assertCloneReadsAs(top, topModel, "vdi", Variant.DYNAMIC);
        assertCloneReadsAs(top, topModel, "vdi", Variant.FIXED);
        assertCloneReadsAs(top, topModel, "raw", Variant.DYNAMIC);

        assertThat(store.mergeIntoParent(top)).isEqualTo(mid);
        assertThat(store.exists(top)).isFalse();
        midModel = topModel;
        midModel.assertReads(store, mid);
        baseModel.assertReads(store, base);

        reopenStore();
        midModel.assertReads(store, mid);
        UUID top2 = UUID.randomUUID();
        store.createDifferencing(top2, mid);
        DiskModel top2Model = midModel.copy();
        applyWrites(top2, top2Model, writes, 10);
        assertChainReads(top2, top2Model, mid, midModel, base, baseModel, writes);
        store.mergeIntoParent(top2);
        midModel = top2Model;

        assertThat(store.mergeIntoParent(mid)).isEqualTo(base);
        baseModel = midModel;
        baseModel.assertReads(store, base);
        assertThat(store.check(base).isClean()).isTrue();
        reopenStore();
        baseModel.assertReads(store, base);
        assertThat(store.lineage(base)).containsExactly(base);
        assertCloneReadsAs(base, baseModel, "vdi", Variant.DYNAMIC);
    }

    @Test
    void wholeBlockOfZerosDoesNotAllocateInABaseImage() throws Exception {
        long size = 5 * MIB + 300;
        UUID id = UUID.randomUUID();
        store.create(id, "vdi", size, Variant.DYNAMIC);
        long emptyLength = fileLength(id);

        store.write(id, BLOCK, ByteBuffer.allocate(BLOCK));
        store.write(id, 5 * MIB, ByteBuffer.allocate(300));

        CheckReport report = store.check(id);
        assertThat(report.allocatedUnits()).isZero();
        assertThat(report.zeroUnits()).isZero();
        assertThat(report.absentUnits()).isEqualTo(6);
        assertThat(fileLength(id)).isEqualTo(emptyLength);
        new DiskModel(size).assertReads(store, id);
    }

    @Test
    void wholeBlockOfZerosOverDataInABaseImageReadsAsZeros() {
        long size = 4 * MIB;
        UUID id = UUID.randomUUID();
        store.create(id, "vdi", size, Variant.DYNAMIC);
        DiskModel model = new DiskModel(size);
        RandomWrites writes = new RandomWrites(new Random(3), size);
        model.write(store, id, new RandomWrites.Write(2 * MIB, randomBytes(new Random(4), BLOCK)));
        model.write(store, id, new RandomWrites.Write(2 * MIB, new byte[BLOCK]));
        model.assertReads(store, id);
        assertRandomReads(id, model, writes, 10);
    }

    @Test
    void wholeBlockOfZerosInAChildMasksItsParentWithoutStoringData() throws Exception {
        long size = 5 * MIB + 300;
        UUID base = UUID.randomUUID();
        store.create(base, "vdi", size, Variant.DYNAMIC);
        DiskModel baseModel = DiskModel.of(randomBytes(new Random(5), (int) size));
        store.write(base, 0, ByteBuffer.wrap(baseModel.slice(0, (int) size)));

        UUID mid = UUID.randomUUID();
        store.createDifferencing(mid, base);
        long emptyLength = fileLength(mid);
        DiskModel midModel = baseModel.copy();
        midModel.write(store, mid, new RandomWrites.Write(MIB, new byte[BLOCK]));
        midModel.write(store, mid, new RandomWrites.Write(5 * MIB, new byte[300]));

        CheckReport report = store.check(mid);
        assertThat(report.zeroUnits()).isEqualTo(2);
        assertThat(report.allocatedUnits()).isZero();
        assertThat(fileLength(mid)).isEqualTo(emptyLength);
        midModel.assertReads(store, mid);
        baseModel.assertReads(store, base);

        // A partial write into a masked block copies the zeros, not the grandparent's data.
        UUID top = UUID.randomUUID();
        store.createDifferencing(top, mid);
        DiskModel topModel = midModel.copy();
        topModel.write(store, top, new RandomWrites.Write(MIB + 1000, new byte[] {1, 2, 3}));
        topModel.write(store, top, new RandomWrites.Write(5 * MIB + 299, new byte[] {9}));
        topModel.assertReads(store, top);

        reopenStore();
        topModel.assertReads(store, top);
        midModel.assertReads(store, mid);
        assertThat(store.check(mid).zeroUnits()).isEqualTo(2);
    }

    private void assertChainReads(UUID top, DiskModel topModel, UUID mid, DiskModel midModel, UUID base,
            DiskModel baseModel, RandomWrites shapes) {
        topModel.assertReads(store, top);
        midModel.assertReads(store, mid);
        baseModel.assertReads(store, base);
        assertRandomReads(top, topModel, shapes, 10);
    }

    private void assertCloneReadsAs(UUID source, DiskModel model, String format, Variant variant) {
        UUID clone = UUID.randomUUID();
        ImageSummary summary = store.clone(source, clone, format, variant, Progress.NONE);
        assertThat(summary.id()).isEqualTo(clone);
        assertThat(summary.parentId()).isNull();
        assertThat(summary.depth()).isEqualTo(1);
        model.assertReads(store, clone);
        CheckReport report = store.check(clone);
        assertThat(report.isClean()).as("check of %s clone", format).isTrue();
        if (format.equals("vdi") && variant == Variant.DYNAMIC) {
            // Sparse out: exactly the blocks holding a non-zero byte are stored.
            assertThat(report.allocatedUnits()).isEqualTo(model.nonZeroBlocks(BLOCK));
        }
        store.delete(clone);
    }

    private void applyWrites(UUID id, DiskModel model, RandomWrites writes, int count) {
        for (int i = 0; i < count; i++) {
            model.write(store, id, writes.next());
        }
    }

    /** Reads ranges shaped like the generator's writes (crossing blocks, unaligned, empty, at the end). */
    private void assertRandomReads(UUID id, DiskModel model, RandomWrites shapes, int count) {
        for (int i = 0; i < count; i++) {
            RandomWrites.Write shape = shapes.next();
            model.assertRange(store, id, shape.offset(), shape.data().length);
        }
    }

    private void reopenStore() {
        store.close();
        store = ImageStore.withDefaultFormats(root);
    }

    private long fileLength(UUID id) throws Exception {
        return Files.size(root.resolve(id + ".vdi"));
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
