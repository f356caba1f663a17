package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.support.QemuTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every image format driver promises, written once (the model is Lucene's
 * {@code BaseDirectoryTestCase}); one subclass per driver says which promises it makes. Nothing is
 * skipped: where a driver lacks a capability, the test checks that it refuses the operation instead.
 * Every disk is checked against an in-memory model of what each byte must read as.
 */
abstract class ImageFormatContractTest {

    static final long MIB = 1 << 20;

    @TempDir
    Path root;

    ImageStore store;

    /** The driver's name as registered: {@code vdi}, {@code qcow2}, {@code raw}. */
    protected abstract String formatName();

    /** Whether the driver makes differencing images: chains, resets, merges and relinks. */
    protected abstract boolean promisesDifferencing();

    /** The variants it creates; the others are refused before a file is made. */
    protected abstract Set<Variant> variants();

    /** Whether it keeps virtual sizes that are not whole 512-byte sectors (qcow2 rounds them up, as QEMU does). */
    protected abstract boolean keepsAnyByteSize();

    /** The allocation unit a reader sees whole: a VDI block, a qcow2 cluster (64 KiB by default). */
    protected abstract int unitSize();

    /** Whether the file records its variant (raw does not: a raw file is simply as sparse as the host keeps it). */
    protected abstract boolean recordsVariant();

    /** Whether qemu-img opens its differencing files (formats.md §4: it refuses VDI ones, non-NULL link UUID). */
    protected abstract boolean qemuOpensDifferencingFiles();

    @BeforeEach
    void openStore() {
        store = ImageStore.withDefaultFormats(root);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- registration ------------------------------------------------------------------------------

    @Test
    void theDriverIsRegisteredAndDeclaresWhatItPromises() {
        ImageFormat format = store.format(formatName());
        assertThat(ImageFormats.installed()).extracting(ImageFormat::name).contains(formatName());
        assertThat(format.supportsDifferencing()).isEqualTo(promisesDifferencing());
        for (Variant variant : Variant.values()) {
            assertThat(format.supportsVariant(variant)).as("supports %s", variant)
                    .isEqualTo(variants().contains(variant));
        }
    }

    // ---- round trips -------------------------------------------------------------------------------

    @Test
    void randomWritesOnABaseImageReadBackAsTheModelBeforeAndAfterReopening() {
        List<Long> sizes = new ArrayList<>(List.of(5 * MIB, 7 * MIB + 12_800, 6 * MIB + 512));
        if (keepsAnyByteSize()) {
            sizes.addAll(List.of(7 * MIB + 12_345, 9 * MIB - 1));
        }
        for (Variant variant : variants()) {
            for (long size : sizes) {
                Random random = new Random(size * 31 + variant.ordinal());
                RandomWrites writes = new RandomWrites(random, size);
                UUID id = UUID.randomUUID();
                store.create(id, formatName(), size, variant);
                DiskModel model = new DiskModel(size);
                for (int round = 0; round < 4; round++) {
                    apply(id, model, writes, 8);
                    assertRandomReads(id, model, writes, 10);
                }
                model.assertReads(store, id);
                assertThat(store.check(id).isClean()).as("check of %s %s", variant, size).isTrue();
                reopenStore();
                model.assertReads(store, id);
                assertThat(store.describe(id).variant()).isEqualTo(recordsVariant() ? variant : Variant.DYNAMIC);
                apply(id, model, writes, 8);
                reopenStore();
                model.assertReads(store, id);
                assertThat(store.check(id).isClean()).isTrue();
            }
        }
    }

    @Test
    void threeDeepChainsReadAsTheirModelsThroughResetsMergesClonesAndReopens() {
        long size = keepsAnyByteSize() ? 8 * MIB + 4097 : 8 * MIB + 4608;
        RandomWrites writes = new RandomWrites(new Random(size * 17), size);
        UUID base = UUID.randomUUID();
        store.create(base, formatName(), size, Variant.DYNAMIC);
        DiskModel baseModel = new DiskModel(size);
        apply(base, baseModel, writes, 12);
        if (!promisesDifferencing()) {
            assertDifferencingRefused(base);
            return;
        }
        UUID mid = UUID.randomUUID();
        store.createDifferencing(mid, base);
        DiskModel midModel = baseModel.copy();
        apply(mid, midModel, writes, 12);
        UUID top = UUID.randomUUID();
        store.createDifferencing(top, mid);
        DiskModel topModel = midModel.copy();
        assertRandomReads(top, topModel, writes, 10);
        apply(top, topModel, writes, 15);
        assertThat(store.lineage(top)).containsExactly(top, mid, base);
        assertChainReads(top, topModel, mid, midModel, base, baseModel, writes);

        store.reset(top);
        topModel = midModel.copy();
        assertThat(store.check(top).allocatedUnits()).isZero();
        assertChainReads(top, topModel, mid, midModel, base, baseModel, writes);
        apply(top, topModel, writes, 15);

        reopenStore();
        assertChainReads(top, topModel, mid, midModel, base, baseModel, writes);
        for (String target : store.formatNames()) {
            for (Variant variant : Variant.values()) {
                if (store.format(target).supportsVariant(variant)) {
                    assertCloneReadsAs(top, topModel, target, variant);
                }
            }
        }

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
        apply(top2, top2Model, writes, 10);
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
        assertCloneReadsAs(base, baseModel, formatName(), Variant.DYNAMIC);
    }

    @Test
    void wholeUnitsOfZerosReadAsZerosAndNeverGrowTheFile() throws IOException {
        long size = 5 * MIB + 512;
        UUID id = UUID.randomUUID();
        store.create(id, formatName(), size, Variant.DYNAMIC);
        long emptyLength = fileLength(id);
        DiskModel model = new DiskModel(size);

        model.write(store, id, new RandomWrites.Write(MIB, new byte[(int) MIB]));
        model.write(store, id, new RandomWrites.Write(5 * MIB, new byte[512]));
        assertThat(fileLength(id)).as("file after writing zeros into holes").isEqualTo(emptyLength);
        if (promisesDifferencing()) {
            CheckReport report = store.check(id);
            assertThat(report.allocatedUnits()).isZero();
            assertThat(report.zeroUnits()).isZero();
        }
        model.write(store, id, new RandomWrites.Write(2 * MIB, randomBytes(new Random(4), (int) MIB)));
        model.write(store, id, new RandomWrites.Write(2 * MIB, new byte[(int) MIB]));
        model.assertReads(store, id);
        reopenStore();
        model.assertReads(store, id);
    }

    @Test
    void wholeUnitsOfZerosInAChildMaskItsParentWithoutStoringData() throws IOException {
        long size = 5 * MIB + 512;
        UUID base = UUID.randomUUID();
        store.create(base, formatName(), size, Variant.DYNAMIC);
        DiskModel baseModel = DiskModel.of(randomBytes(new Random(5), (int) size));
        store.write(base, 0, ByteBuffer.wrap(baseModel.slice(0, (int) size)));
        if (!promisesDifferencing()) {
            assertDifferencingRefused(base);
            return;
        }
        UUID mid = UUID.randomUUID();
        store.createDifferencing(mid, base);
        long emptyLength = fileLength(mid);
        DiskModel midModel = baseModel.copy();
        midModel.write(store, mid, new RandomWrites.Write(MIB, new byte[(int) MIB]));
        midModel.write(store, mid, new RandomWrites.Write(5 * MIB, new byte[512]));
        CheckReport report = store.check(mid);
        assertThat(report.allocatedUnits()).isZero();
        assertThat(report.zeroUnits()).isPositive();
        assertThat(fileLength(mid)).isLessThan(emptyLength + MIB);
        midModel.assertReads(store, mid);
        baseModel.assertReads(store, base);

        // A partial write into a masked unit copies the zeros, not the grandparent's data.
        UUID top = UUID.randomUUID();
        store.createDifferencing(top, mid);
        DiskModel topModel = midModel.copy();
        topModel.write(store, top, new RandomWrites.Write(MIB + 1000, new byte[] {1, 2, 3}));
        topModel.write(store, top, new RandomWrites.Write(5 * MIB + 511, new byte[] {9}));
        topModel.assertReads(store, top);
        reopenStore();
        topModel.assertReads(store, top);
        midModel.assertReads(store, mid);
    }

    // ---- crash points ------------------------------------------------------------------------------

    /**
     * A guest write cut short before any one of the driver calls it takes: each unit then reads either as
     * before or as after the write, never garbage, the files check without corruption (qemu-img agrees
     * where it opens them), and the image keeps working.
     */
    @Test
    void aWriteInterruptedAtAnyStepReadsOldOrNewDataAndKeepsWorking() throws IOException {
        QemuTools.require("qemu-img");
        long size = 4 * MIB + 512;
        Path fixture = root.resolve("fixture");
        UUID base = UUID.randomUUID();
        UUID top = UUID.randomUUID();
        DiskModel before = DiskModel.of(randomBytes(new Random(7), (int) size));
        try (ImageStore built = ImageStore.withDefaultFormats(fixture)) {
            built.create(base, formatName(), size, Variant.DYNAMIC);
            built.write(base, 0, ByteBuffer.wrap(before.slice(0, (int) size)));
            if (promisesDifferencing()) {
                built.createDifferencing(top, base);
            } else {
                top = base;
            }
        }
        // Crosses unit boundaries: partial units at both ends (copy-on-write in a child), whole ones between.
        RandomWrites.Write write = new RandomWrites.Write(MIB - 700, randomBytes(new Random(8), (int) (2 * MIB + 1400)));
        DiskModel after = before.copy();
        after.write(write.offset(), write.data());

        int steps = crashRun(fixture, root.resolve("count"), CrashPoints.counting(), top, write);
        assertThat(steps).as("driver calls of the write").isPositive();
        for (int n = 1; n <= steps; n++) {
            Path crashed = root.resolve("crash-" + n);
            crashRun(fixture, crashed, CrashPoints.before(n), top, write);
            try (ImageStore reopened = ImageStore.withDefaultFormats(crashed)) {
                assertEachUnitOldOrNew(reopened, top, before, after, "crash before step " + n);
                assertThat(reopened.check(top).corruptions()).as("crash before step %d", n).isEmpty();
                byte[] more = randomBytes(new Random(n), 3000);
                reopened.write(top, 3 * MIB + 1, ByteBuffer.wrap(more));
                ByteBuffer seen = ByteBuffer.allocate(more.length);
                reopened.read(top, 3 * MIB + 1, seen);
                assertThat(seen.array()).isEqualTo(more);
            }
            assertQemuCheckNoCorruption(crashed, top);
        }
    }

    /**
     * Write-back through {@link Chain#writeCached} (the NBD server's path), cut short before any driver
     * call: a write followed by a flush that completed reads exactly as written, a later unflushed write
     * reads old or new, and the files check without corruption (qemu-img agrees where it opens them).
     */
    @Test
    void cachedWritesInterruptedAtAnyStepKeepWhatWasFlushed() throws IOException {
        QemuTools.require("qemu-img");
        long size = 4 * MIB + 512;
        Path fixture = root.resolve("fixture");
        UUID base = UUID.randomUUID();
        UUID top = UUID.randomUUID();
        DiskModel before = DiskModel.of(randomBytes(new Random(9), (int) size));
        try (ImageStore built = ImageStore.withDefaultFormats(fixture)) {
            built.create(base, formatName(), size, Variant.DYNAMIC);
            built.write(base, 0, ByteBuffer.wrap(before.slice(0, (int) size)));
            if (promisesDifferencing()) {
                built.createDifferencing(top, base);
            } else {
                top = base;
            }
        }
        RandomWrites.Write flushed = new RandomWrites.Write(MIB - 700, randomBytes(new Random(10), 5000));
        RandomWrites.Write unflushed = new RandomWrites.Write(2 * MIB + 300, randomBytes(new Random(11), 4096));
        DiskModel afterFlush = before.copy();
        afterFlush.write(flushed.offset(), flushed.data());
        DiskModel afterAll = afterFlush.copy();
        afterAll.write(unflushed.offset(), unflushed.data());
        UUID id = top;
        java.util.function.Consumer<ImageStore> work = s -> {
            Chain chain = s.chain(id);
            chain.writeCached(flushed.offset(), ByteBuffer.wrap(flushed.data()));
            chain.flush();
            chain.writeCached(unflushed.offset(), ByteBuffer.wrap(unflushed.data()));
        };
        CrashPoints counting = CrashPoints.counting();
        crashRun(fixture, root.resolve("count"), counting, work);
        int flushStep = -1;
        int steps = counting.steps();
        for (int n = 1; n <= steps; n++) {
            Path crashed = root.resolve("crash-" + n);
            CrashPoints crashes = CrashPoints.before(n);
            crashRun(fixture, crashed, crashes, work);
            try (ImageStore reopened = ImageStore.withDefaultFormats(crashed)) {
                boolean flushDone = crashes.flushesCompleted() > 0;
                assertEachUnitOldOrNew(reopened, id, flushDone ? afterFlush : before, afterAll, "crash before step " + n);
                if (flushDone) {
                    ByteBuffer seen = ByteBuffer.allocate(flushed.data().length);
                    reopened.read(id, flushed.offset(), seen);
                    assertThat(seen.array()).as("flushed write after crash before step %d", n).isEqualTo(flushed.data());
                    flushStep = flushStep < 0 ? n : flushStep;
                }
                assertThat(reopened.check(id).corruptions()).as("crash before step %d", n).isEmpty();
            }
            assertQemuCheckNoCorruption(crashed, id);
        }
        assertThat(flushStep).as("a crash after the flush was among the steps").isPositive();
    }

    private int crashRun(Path fixture, Path dir, CrashPoints crashes, UUID id, RandomWrites.Write write)
            throws IOException {
        copyFolder(fixture, dir);
        try (ImageStore crashing = crashes.store(dir)) {
            crashing.write(id, write.offset(), ByteBuffer.wrap(write.data()));
        } catch (CrashPoints.SimulatedCrash expected) {
            // the process died here; what reached the files stays
        }
        return crashes.steps();
    }

    private void assertEachUnitOldOrNew(ImageStore reopened, UUID id, DiskModel before, DiskModel after, String what) {
        long size = before.size();
        int unit = unitSize();
        for (long offset = 0; offset < size; offset += unit) {
            int length = (int) Math.min(unit, size - offset);
            ByteBuffer seen = ByteBuffer.allocate(length);
            reopened.read(id, offset, seen);
            boolean old = Arrays.equals(seen.array(), before.slice(offset, length));
            boolean fresh = Arrays.equals(seen.array(), after.slice(offset, length));
            if (promisesDifferencing()) {
                assertThat(old || fresh).as("%s: bytes %d+%d read as neither old nor new", what, offset, length).isTrue();
            } else {
                // Raw writes in place: each byte is old or new (a torn unit is possible, garbage is not).
                for (int i = 0; i < length; i++) {
                    byte b = seen.get(i);
                    assertThat(b == before.slice(offset + i, 1)[0] || b == after.slice(offset + i, 1)[0])
                            .as("%s: byte %d", what, offset + i).isTrue();
                }
            }
        }
    }

    void assertQemuCheckNoCorruption(Path dir, UUID id) {
        Path file = dir.resolve(id + "." + formatName());
        // Raw has no metadata for qemu-img to check; VDI differencing files it refuses to open.
        if (promisesDifferencing() && (qemuOpensDifferencingFiles() || !isDifferencingFile(dir, id))) {
            QemuTools.Result result = QemuTools.run("qemu-img", "check", "-f", formatName(), file.toString());
            // Exit code 3 means leaked clusters only: harmless, what a crash may leave (formats.md §2.3).
            assertThat(result.exitCode()).as("qemu-img check %s:%n%s", file.getFileName(), result.output())
                    .isIn(0, 3);
        }
    }

    private boolean isDifferencingFile(Path dir, UUID id) {
        try (ImageStore look = ImageStore.withDefaultFormats(dir)) {
            return look.describe(id).parentId() != null;
        }
    }

    // ---- merges that survive interruption -------------------------------------------------------------

    /**
     * Deleting a snapshot: child C merged into its parent P, cut short before any one driver call. After
     * each crash C still verifies and reads as before; running the same calls again completes the merge,
     * and P then reads exactly as C did, checks clean and passes qemu-img check.
     */
    @Test
    void aMergeIntoTheParentInterruptedAtAnyStepCompletesWhenRunAgain() throws IOException {
        QemuTools.require("qemu-img");
        long size = 3 * MIB + 4608;
        Path fixture = root.resolve("fixture");
        UUID p = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        RandomWrites writes = new RandomWrites(new Random(11), size);
        DiskModel cModel;
        try (ImageStore built = ImageStore.withDefaultFormats(fixture)) {
            built.create(p, formatName(), size, Variant.DYNAMIC);
            DiskModel pModel = new DiskModel(size);
            applyTo(built, p, pModel, writes, 8);
            if (!promisesDifferencing()) {
                assertThatThrownBy(() -> built.mergeIntoParentKeepingChild(p)).isInstanceOf(StorageException.class)
                        .hasMessageContaining("no parent");
                return;
            }
            built.createDifferencing(c, p);
            cModel = pModel.copy();
            applyTo(built, c, cModel, writes, 8);
            cModel.write(built, c, writes.wholeBlock(true));
        }
        int steps = crashRun(fixture, root.resolve("count"), CrashPoints.counting(),
                s -> s.deleteMergedChild(c, s.mergeIntoParentKeepingChild(c)));
        assertThat(steps).as("driver calls of the merge").isPositive();
        for (int n = 1; n <= steps; n++) {
            Path crashed = root.resolve("crash-" + n);
            crashRun(fixture, crashed, CrashPoints.before(n), s -> s.deleteMergedChild(c, s.mergeIntoParentKeepingChild(c)));
            try (ImageStore reopened = ImageStore.withDefaultFormats(crashed)) {
                if (reopened.exists(c)) {
                    cModel.assertReads(reopened, c);
                    assertThat(reopened.mergeIntoParentKeepingChild(c)).isEqualTo(p);
                }
                reopened.deleteMergedChild(c, p);
                assertThat(reopened.exists(c)).isFalse();
                cModel.assertReads(reopened, p);
                assertThat(reopened.check(p).isClean()).as("check of P after crash %d", n).isTrue();
            }
            QemuTools.assertCheckClean(crashed.resolve(p + "." + formatName()));
        }
    }

    /**
     * Deleting a snapshot whose medium has newer ones on top: P ← M ← C ← D, M taken out with
     * {@code bypassParent(C, M)}, cut short before any one driver call. C and D read as before at every
     * point; calling again completes it, and M's file is then the caller's to delete.
     */
    @Test
    void aForwardMergeAndRelinkInterruptedAtAnyStepCompleteWhenRunAgain() throws IOException {
        QemuTools.require("qemu-img");
        long size = 3 * MIB + 4608;
        Path fixture = root.resolve("fixture");
        UUID p = UUID.randomUUID();
        UUID m = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        UUID d = UUID.randomUUID();
        RandomWrites writes = new RandomWrites(new Random(12), size);
        DiskModel pModel = new DiskModel(size);
        DiskModel cModel;
        DiskModel dModel;
        try (ImageStore built = ImageStore.withDefaultFormats(fixture)) {
            built.create(p, formatName(), size, Variant.DYNAMIC);
            applyTo(built, p, pModel, writes, 8);
            if (!promisesDifferencing()) {
                assertThatThrownBy(() -> built.bypassParent(p, m)).isInstanceOf(ChainException.class);
                return;
            }
            built.createDifferencing(m, p);
            DiskModel mModel = pModel.copy();
            applyTo(built, m, mModel, writes, 8);
            mModel.write(built, m, writes.wholeBlock(true));
            built.createDifferencing(c, m);
            cModel = mModel.copy();
            applyTo(built, c, cModel, writes, 5);
            built.createDifferencing(d, c);
            dModel = cModel.copy();
            applyTo(built, d, dModel, writes, 5);
        }
        int steps = crashRun(fixture, root.resolve("count"), CrashPoints.counting(), s -> s.bypassParent(c, m));
        assertThat(steps).as("driver calls of the forward merge").isPositive();
        for (int n = 1; n <= steps; n++) {
            Path crashed = root.resolve("crash-" + n);
            crashRun(fixture, crashed, CrashPoints.before(n), s -> s.bypassParent(c, m));
            try (ImageStore reopened = ImageStore.withDefaultFormats(crashed)) {
                cModel.assertReads(reopened, c);
                dModel.assertReads(reopened, d);
                reopened.bypassParent(c, m);
                reopened.delete(m);
                assertThat(reopened.lineage(d)).containsExactly(d, c, p);
                cModel.assertReads(reopened, c);
                dModel.assertReads(reopened, d);
                pModel.assertReads(reopened, p);
                assertThat(reopened.check(c).isClean()).as("check of C after crash %d", n).isTrue();
            }
            assertQemuCheckNoCorruption(crashed, c);
            assertQemuCheckNoCorruption(crashed, p);
        }
    }

    private int crashRun(Path fixture, Path dir, CrashPoints crashes, java.util.function.Consumer<ImageStore> work)
            throws IOException {
        copyFolder(fixture, dir);
        try (ImageStore crashing = crashes.store(dir)) {
            work.accept(crashing);
        } catch (CrashPoints.SimulatedCrash expected) {
            // the process died here; what reached the files stays
        }
        return crashes.steps();
    }

    private static void applyTo(ImageStore target, UUID id, DiskModel model, RandomWrites writes, int count) {
        for (int i = 0; i < count; i++) {
            model.write(target, id, writes.next());
        }
    }

    // ---- publishing files --------------------------------------------------------------------------

    @Test
    void aCloneBecomesVisibleOnlyWhenComplete() {
        UUID source = UUID.randomUUID();
        UUID target = UUID.randomUUID();
        store.create(source, "vdi", 4 * MIB, Variant.DYNAMIC);
        store.write(source, 0, ByteBuffer.wrap(randomBytes(new Random(6), (int) (4 * MIB))));
        List<Boolean> visibleDuringCopy = new ArrayList<>();
        store.clone(source, target, formatName(), Variant.DYNAMIC, (done, total) -> {
            visibleDuringCopy.add(store.exists(target) || store.listImageIds().contains(target));
            assertThat(Files.exists(root.resolve("." + target + "." + formatName() + ".tmp"))).isTrue();
        });
        assertThat(visibleDuringCopy).isNotEmpty().containsOnly(false);
        assertThat(store.exists(target)).isTrue();
        assertThat(hiddenFiles()).isEmpty();
    }

    @Test
    void aCloneThatFailsHalfwayLeavesNoImageAndNoTemporaryFile() throws IOException {
        UUID source = UUID.randomUUID();
        UUID target = UUID.randomUUID();
        store.create(source, "vdi", 4 * MIB, Variant.DYNAMIC);
        store.write(source, 0, ByteBuffer.wrap(randomBytes(new Random(7), (int) (4 * MIB))));
        // The source loses its last blocks behind the store's back: the copy fails on reaching them.
        Path file = root.resolve(source + ".vdi");
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(file) - 2 * MIB);
        }
        assertThatThrownBy(() -> store.clone(source, target, formatName(), Variant.DYNAMIC, Progress.NONE))
                .isInstanceOf(ImageFormatException.class).hasMessageContaining("unexpected end of file");
        assertThat(store.exists(target)).isFalse();
        assertThat(store.listImageIds()).containsExactly(source);
        assertThat(hiddenFiles()).isEmpty();
    }

    @Test
    void anImportOrCloneOntoAnExistingUuidIsRefusedAndLeavesNoTemporaryFile() {
        UUID existing = UUID.randomUUID();
        store.create(existing, formatName(), 4 * MIB, Variant.DYNAMIC);
        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        assertThatThrownBy(() -> {
            store.export(existing, formatName(), exported);
            store.importImage(existing, new ByteArrayInputStream(exported.toByteArray()));
        }).isInstanceOf(StorageException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> store.clone(existing, existing, formatName(), Variant.DYNAMIC, Progress.NONE))
                .isInstanceOf(StorageException.class).hasMessageContaining("already exists");
        assertThat(store.listImageIds()).containsExactly(existing);
        assertThat(hiddenFiles()).isEmpty();
    }

    @Test
    void temporaryFilesACrashLeftBehindAreInvisibleAndRemovedOnCleanup() throws IOException {
        UUID published = UUID.randomUUID();
        UUID unfinished = UUID.randomUUID();
        store.create(published, formatName(), 4 * MIB, Variant.DYNAMIC);
        List<Path> leftovers = List.of(
                root.resolve("." + unfinished + "." + formatName() + ".tmp"),
                root.resolve("." + UUID.randomUUID() + ".upload.tmp"),
                root.resolve("." + UUID.randomUUID() + ".export.tmp"));
        for (Path leftover : leftovers) {
            Files.write(leftover, new byte[] {1, 2, 3});
        }
        Path notOurs = Files.write(root.resolve("notes.tmp"), new byte[] {4});
        assertThat(store.listImageIds()).containsExactly(published);
        assertThat(store.exists(unfinished)).isFalse();
        assertThat(store.removeTemporaryFiles())
                .containsExactlyInAnyOrderElementsOf(leftovers.stream().map(file -> file.getFileName().toString()).toList());
        assertThat(hiddenFiles()).isEmpty();
        assertThat(notOurs).exists();
        assertThat(store.exists(published)).isTrue();
    }

    // ---- concurrency -------------------------------------------------------------------------------

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersBesideTheWriterSeeOldOrNewDataNeverGarbage() throws Exception {
        new ConcurrentReads(store, formatName(), promisesDifferencing(), unitSize()).run();
    }

    // ---- helpers -----------------------------------------------------------------------------------

    void assertDifferencingRefused(UUID base) {
        assertThatThrownBy(() -> store.createDifferencing(UUID.randomUUID(), base))
                .isInstanceOf(StorageException.class).hasMessageContaining("cannot have differencing images");
        assertThatThrownBy(() -> store.mergeIntoParent(base)).isInstanceOf(StorageException.class)
                .hasMessageContaining("no parent");
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
        if (summary.virtualSize() != model.size()) {
            // qcow2 rounds a size up to whole sectors, as qemu-img does; the added tail reads as zeros.
            assertThat(summary.virtualSize()).as("%s clone size", format).isEqualTo((model.size() + 511) / 512 * 512);
            DiskModel padded = new DiskModel(summary.virtualSize());
            padded.write(0, model.slice(0, (int) model.size()));
            model = padded;
        }
        model.assertReads(store, clone);
        CheckReport report = store.check(clone);
        assertThat(report.isClean()).as("check of %s clone", format).isTrue();
        if (format.equals("vdi") && variant == Variant.DYNAMIC) {
            // Sparse out: exactly the blocks holding a non-zero byte are stored.
            assertThat(report.allocatedUnits()).isEqualTo(model.nonZeroBlocks((int) MIB));
        }
        store.delete(clone);
    }

    void apply(UUID id, DiskModel model, RandomWrites writes, int count) {
        for (int i = 0; i < count; i++) {
            model.write(store, id, writes.next());
        }
    }

    private void assertRandomReads(UUID id, DiskModel model, RandomWrites shapes, int count) {
        for (int i = 0; i < count; i++) {
            RandomWrites.Write shape = shapes.next();
            model.assertRange(store, id, shape.offset(), shape.data().length);
        }
    }

    void reopenStore() {
        store.close();
        store = ImageStore.withDefaultFormats(root);
    }

    long fileLength(UUID id) throws IOException {
        return Files.size(root.resolve(id + "." + formatName()));
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private List<Path> hiddenFiles() {
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
