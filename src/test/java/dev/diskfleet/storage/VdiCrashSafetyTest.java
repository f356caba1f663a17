package dev.diskfleet.storage;

import static dev.diskfleet.storage.VdiFileBytes.*;
import static dev.diskfleet.support.QemuTools.assertCheckClean;
import static dev.diskfleet.support.QemuTools.assertIdentical;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.vdi.VdiFormat;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash in the middle of a block allocation, reproduced by rolling the file back to what the disk
 * would hold after each step of the crash-safe order (data block, then block map entry, then header
 * counter). Whatever step was reached, the image opens and each block reads either its old or its new
 * data, never garbage; opening writable repairs the counter and {@code qemu-img check} is then clean.
 * These are the steps inside one driver call, which only the VDI byte layout names; crashes between driver
 * calls, for every format, are in {@link ImageFormatContractTest}.
 */
class VdiCrashSafetyTest {

    private static final int MIB = 1 << 20;
    private static final long DISK = 4L * MIB + 512;
    /** The block whose allocation is interrupted. */
    private static final int BLOCK = 2;

    @TempDir
    Path dir;

    /** How far the allocation got before the crash. */
    enum CrashPoint {
        DATA_HALF_WRITTEN(false),
        DATA_WRITTEN_NO_MAP_ENTRY(false),
        MAP_ENTRY_WRITTEN_COUNTER_NOT(true),
        COMPLETE(true);

        final boolean readsNewData;

        CrashPoint(boolean readsNewData) {
            this.readsNewData = readsNewData;
        }
    }

    /** A base image with block 0 allocated, before and after a write that allocates block 2. */
    private record Allocation(UUID id, byte[] before, byte[] after, DiskModel oldDisk, DiskModel newDisk) {
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CrashPoint.class)
    void baseImageInterruptedWhileAllocatingReadsOldOrNewDataAndChecksCleanAfterReopening(CrashPoint crash)
            throws Exception {
        QemuTools.require("qemu-img");
        Allocation allocation = allocateInBase();
        Path root = Files.createDirectory(dir.resolve("crashed"));
        Path file = root.resolve(allocation.id() + ".vdi");
        Files.write(file, crashedState(allocation.before(), allocation.after(), crash, dir.resolve("scratch.vdi")));
        int counterOnDisk = getInt(file, BLOCKS_ALLOCATED);
        DiskModel expected = crash.readsNewData ? allocation.newDisk() : allocation.oldDisk();

        assertReadOnlyOpenReadsAndChangesNothing(file, expected);
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            expected.assertReads(store, allocation.id());
            CheckReport report = store.check(allocation.id());
            assertThat(report.corruptions()).isEmpty();
            assertThat(report.leakedUnits()).as("blocks no entry references, after a writable open").isZero();
            assertThat(report.allocatedUnits()).isEqualTo(crash.readsNewData ? 2 : 1);
        }
        assertThat(getInt(file, BLOCKS_ALLOCATED)).as("header counter after a writable open")
                .isEqualTo(crash == CrashPoint.MAP_ENTRY_WRITTEN_COUNTER_NOT ? counterOnDisk + 1 : counterOnDisk);
        assertThat(Files.size(file)).as("the file ends after its last referenced block: a block whose entry was"
                + " never written is cut off, one whose entry was is kept")
                .isEqualTo(crash.readsNewData ? allocation.after().length : allocation.before().length);
        assertCheckClean(file);

        // The image keeps working: the next allocation neither loses nor reuses a referenced block.
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            byte[] more = pattern(3 * MIB, MIB, 77);
            store.write(allocation.id(), 3L * MIB, ByteBuffer.wrap(more));
            expected.write(3L * MIB, more);
            expected.assertReads(store, allocation.id());
        }
        assertCheckClean(file);
        assertIdentical(file, expected.writeRaw(dir.resolve("expected.raw")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CrashPoint.class)
    void childInterruptedWhileCopyingOnWriteReadsTheParentOrTheNewDataNeverGarbage(CrashPoint crash)
            throws Exception {
        Path built = Files.createDirectory(dir.resolve("built"));
        UUID base = UUID.randomUUID();
        UUID child = UUID.randomUUID();
        DiskModel parentDisk = new DiskModel(DISK);
        byte[] before;
        byte[] after;
        DiskModel childDisk;
        try (ImageStore store = ImageStore.withDefaultFormats(built)) {
            store.create(base, "vdi", DISK, Variant.DYNAMIC);
            parentDisk.write(0, pattern(0, (int) DISK, 1));
            store.write(base, 0, ByteBuffer.wrap(parentDisk.slice(0, (int) DISK)));
            store.createDifferencing(child, base);
            store.write(child, 10, ByteBuffer.wrap(new byte[] {9, 9}));
            store.close();
            before = Files.readAllBytes(built.resolve(child + ".vdi"));
        }
        try (ImageStore store = ImageStore.withDefaultFormats(built)) {
            childDisk = parentDisk.copy();
            childDisk.write(10, new byte[] {9, 9});
            byte[] piece = pattern(0, 1000, 2);
            store.write(child, (long) BLOCK * MIB + 5000, ByteBuffer.wrap(piece));
            childDisk.write((long) BLOCK * MIB + 5000, piece);
        }
        after = Files.readAllBytes(built.resolve(child + ".vdi"));
        DiskModel oldDisk = parentDisk.copy();
        oldDisk.write(10, new byte[] {9, 9});

        Path root = Files.createDirectory(dir.resolve("crashed"));
        Files.copy(built.resolve(base + ".vdi"), root.resolve(base + ".vdi"));
        Path file = root.resolve(child + ".vdi");
        Files.write(file, crashedState(before, after, crash, dir.resolve("scratch.vdi")));

        DiskModel expected = crash.readsNewData ? childDisk : oldDisk;
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            expected.assertReads(store, child);
            assertThat(store.check(child).isClean()).as("no corruption and no leaked block").isTrue();
            assertThat(Files.size(file)).isEqualTo(crash.readsNewData ? after.length : before.length);
            byte[] more = pattern(0, 3, 3);
            store.write(child, 3L * MIB + 1, ByteBuffer.wrap(more));
            expected.write(3L * MIB + 1, more);
        }
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            expected.assertReads(store, child);
            parentDisk.assertReads(store, base);
            assertThat(store.check(child).isClean()).isTrue();
        }
    }

    @Test
    void resetInterruptedAfterFreeingTheEntriesIsCompletedByTheNextWritableOpen() throws Exception {
        UUID base = UUID.randomUUID();
        UUID child = UUID.randomUUID();
        DiskModel parentDisk = new DiskModel(DISK);
        parentDisk.write(MIB, pattern(MIB, MIB, 4));
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(base, "vdi", DISK, Variant.DYNAMIC);
            store.write(base, MIB, ByteBuffer.wrap(parentDisk.slice(MIB, MIB)));
            store.createDifferencing(child, base);
            store.write(child, 0, ByteBuffer.wrap(pattern(0, 2 * MIB, 5)));
        }
        // The entries reached the disk, the counter and the truncation did not.
        Path file = dir.resolve(child + ".vdi");
        int blocks = getInt(file, BLOCKS);
        for (int i = 0; i < blocks; i++) {
            putMapEntry(file, i, FREE);
        }
        long dataOffset = Integer.toUnsignedLong(getInt(file, OFF_DATA));
        try (ImageFile readOnly = new VdiFormat().open(file, false)) {
            CheckReport report = readOnly.check();
            assertThat(report.corruptions()).isEmpty();
            assertThat(report.leakedUnits()).as("counted in the header, referenced by no entry").isEqualTo(2);
        }
        assertThat(Files.size(file)).as("a read-only open changes nothing").isEqualTo(dataOffset + 2L * MIB);
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            parentDisk.assertReads(store, child);
            assertThat(store.check(child).isClean()).isTrue();
            assertThat(getInt(file, BLOCKS_ALLOCATED)).isZero();
            assertThat(Files.size(file)).as("cut back to an empty data area, as the reset would have")
                    .isEqualTo(dataOffset);
            byte[] more = pattern(MIB, 5, 6);
            store.write(child, MIB, ByteBuffer.wrap(more));
            parentDisk.write(MIB, more);
            parentDisk.assertReads(store, child);
            assertThat(store.check(child).isClean()).isTrue();
        }
    }

    @Test
    void trailingBytesBeyondTheLastReferencedBlockAreCutButNoReferencedBlockEverIs() throws Exception {
        QemuTools.require("qemu-img");
        UUID id = UUID.randomUUID();
        DiskModel disk = new DiskModel(DISK);
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(id, "vdi", DISK, Variant.DYNAMIC);
            for (long offset : new long[] {3L * MIB, 0, MIB}) {
                byte[] data = pattern(offset, MIB, 10);
                store.write(id, offset, ByteBuffer.wrap(data));
                disk.write(offset, data);
            }
        }
        Path file = dir.resolve(id + ".vdi");
        long complete = Files.size(file);
        // Block 1 (data block 2, the last one appended) lost its entry and the count its last increment, as
        // an allocation cut short would leave them; then a block and a half of bytes were appended.
        putMapEntry(file, 1, FREE);
        putInt(file, BLOCKS_ALLOCATED, 2);
        Files.write(file, pattern(0, MIB + MIB / 2, 11), java.nio.file.StandardOpenOption.APPEND);
        disk.write(MIB, new byte[MIB]);

        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            disk.assertReads(store, id);
            CheckReport report = store.check(id);
            assertThat(report.isClean()).isTrue();
            assertThat(report.allocatedUnits()).isEqualTo(2);
        }
        assertThat(Files.size(file)).as("data blocks 0 and 1 kept, everything from data block 2 on cut off")
                .isEqualTo(complete - MIB);
        assertCheckClean(file);
        assertIdentical(file, disk.writeRaw(dir.resolve("expected.raw")));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private Allocation allocateInBase() throws IOException {
        Path built = Files.createDirectory(dir.resolve("built"));
        UUID id = UUID.randomUUID();
        DiskModel oldDisk = new DiskModel(DISK);
        try (ImageStore store = ImageStore.withDefaultFormats(built)) {
            store.create(id, "vdi", DISK, Variant.DYNAMIC);
            oldDisk.write(0, pattern(0, MIB, 8));
            store.write(id, 0, ByteBuffer.wrap(oldDisk.slice(0, MIB)));
        }
        byte[] before = Files.readAllBytes(built.resolve(id + ".vdi"));
        DiskModel newDisk = oldDisk.copy();
        try (ImageStore store = ImageStore.withDefaultFormats(built)) {
            byte[] data = pattern((long) BLOCK * MIB, MIB, 9);
            store.write(id, (long) BLOCK * MIB, ByteBuffer.wrap(data));
            newDisk.write((long) BLOCK * MIB, data);
        }
        return new Allocation(id, before, Files.readAllBytes(built.resolve(id + ".vdi")), oldDisk, newDisk);
    }

    /**
     * The file as a crash at {@code crash} leaves it: the complete file, with the block map entry and
     * the header counter rolled back to {@code before} as far as the crash point requires.
     */
    private static byte[] crashedState(byte[] before, byte[] after, CrashPoint crash, Path scratch)
            throws IOException {
        Files.write(scratch, after);
        int counter = getInt(scratch, BLOCKS_ALLOCATED);
        int newIndex = counter - 1;
        long dataOffset = Integer.toUnsignedLong(getInt(scratch, OFF_DATA));
        assertThat(mapEntry(scratch, BLOCK)).as("the write allocated the last data block").isEqualTo(newIndex);
        switch (crash) {
            case DATA_HALF_WRITTEN -> {
                putMapEntry(scratch, BLOCK, FREE);
                putInt(scratch, BLOCKS_ALLOCATED, newIndex);
                truncate(scratch, dataOffset + (long) newIndex * MIB + 300_000);
            }
            case DATA_WRITTEN_NO_MAP_ENTRY -> {
                putMapEntry(scratch, BLOCK, FREE);
                putInt(scratch, BLOCKS_ALLOCATED, newIndex);
            }
            case MAP_ENTRY_WRITTEN_COUNTER_NOT -> putInt(scratch, BLOCKS_ALLOCATED, newIndex);
            case COMPLETE -> {
            }
        }
        assertThat(before.length).as("the file before the write ends where the new block starts")
                .isEqualTo(dataOffset + (long) newIndex * MIB);
        return Files.readAllBytes(scratch);
    }

    private static void assertReadOnlyOpenReadsAndChangesNothing(Path file, DiskModel expected) throws IOException {
        byte[] onDisk = Files.readAllBytes(file);
        try (ImageFile image = new VdiFormat().open(file, false); Chain chain = new Chain(List.of(image))) {
            ByteBuffer all = ByteBuffer.allocate((int) expected.size());
            chain.read(0, all);
            expected.assertSame(all.array(), 0, "read-only open of " + file.getFileName());
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(onDisk);
    }

    /** Bytes that name their own position and a seed, so a block read from the wrong place shows. */
    private static byte[] pattern(long offset, int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(offset * 31 + seed).nextBytes(bytes);
        return bytes;
    }
}
