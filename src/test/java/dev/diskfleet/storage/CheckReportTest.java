package dev.diskfleet.storage;

import static dev.diskfleet.storage.VdiFileBytes.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.vdi.VdiFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageStore#check}: counts that match what was written, leaks told apart from corruption. */
class CheckReportTest {

    private static final int MIB = 1 << 20;
    private static final long DISK = 5L * MIB + 1;

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

    @Test
    void freshDynamicImageChecksCleanWithEveryBlockAbsent() {
        UUID id = create(Variant.DYNAMIC);
        CheckReport report = store.check(id);
        assertThat(report.isClean()).isTrue();
        assertThat(report.format()).isEqualTo("vdi");
        assertThat(report.totalUnits()).isEqualTo(6);
        assertThat(report.allocatedUnits()).isZero();
        assertThat(report.zeroUnits()).isZero();
        assertThat(report.absentUnits()).isEqualTo(6);
        assertThat(report.leakedUnits()).isZero();
    }

    @Test
    void freshFixedImageChecksCleanWithEveryBlockAllocated() {
        UUID id = create(Variant.FIXED);
        CheckReport report = store.check(id);
        assertThat(report.isClean()).isTrue();
        assertThat(report.allocatedUnits()).isEqualTo(6);
        assertThat(report.absentUnits()).isZero();
    }

    @Test
    void countsFollowWhatWasWrittenInABaseAndItsChild() {
        UUID base = create(Variant.DYNAMIC);
        store.write(base, 0, ByteBuffer.wrap(new byte[] {1}));
        store.write(base, 3L * MIB + 7, ByteBuffer.wrap(new byte[] {2}));
        UUID child = UUID.randomUUID();
        store.createDifferencing(child, base);
        store.write(child, MIB + 5, ByteBuffer.wrap(new byte[] {3}));
        store.write(child, 3L * MIB, ByteBuffer.allocate(MIB));
        store.write(child, 4L * MIB, ByteBuffer.allocate(MIB));

        CheckReport baseReport = store.check(base);
        assertThat(baseReport.allocatedUnits()).isEqualTo(2);
        assertThat(baseReport.zeroUnits()).isZero();
        assertThat(baseReport.absentUnits()).isEqualTo(4);
        assertThat(baseReport.isClean()).isTrue();

        CheckReport childReport = store.check(child);
        assertThat(childReport.allocatedUnits()).as("block 1, copied on write").isEqualTo(1);
        assertThat(childReport.zeroUnits()).as("block 3 masks the parent; block 4 needs no record").isEqualTo(1);
        assertThat(childReport.absentUnits()).isEqualTo(4);
        assertThat(childReport.isClean()).isTrue();
    }

    @Test
    void blockCountedInTheHeaderButReferencedByNoEntryIsALeakNotACorruption() throws IOException {
        UUID id = create(Variant.DYNAMIC);
        store.write(id, 0, ByteBuffer.wrap(new byte[] {1}));
        store.close();
        Path file = root.resolve(id + ".vdi");
        Files.write(file, new byte[MIB], StandardOpenOption.APPEND);
        putInt(file, BLOCKS_ALLOCATED, 2);

        CheckReport report = checkReadOnly(file);
        assertThat(report.leakedUnits()).isEqualTo(1);
        assertThat(report.corruptions()).isEmpty();
        assertThat(report.isClean()).isFalse();
        assertThat(report.allocatedUnits()).isEqualTo(1);
        assertCleanOnceOpenedWritable(id, 1);
    }

    @Test
    void dataBlockPastTheCounterIsALeak() throws IOException {
        UUID id = create(Variant.DYNAMIC);
        store.write(id, 0, ByteBuffer.wrap(new byte[] {1}));
        store.close();
        Path file = root.resolve(id + ".vdi");
        Files.write(file, new byte[MIB], StandardOpenOption.APPEND);

        CheckReport report = checkReadOnly(file);
        assertThat(report.leakedUnits()).isEqualTo(1);
        assertThat(report.corruptions()).isEmpty();
        assertCleanOnceOpenedWritable(id, 1);
    }

    @Test
    void fileTruncatedAfterOpeningIsReportedAsCorrupt() throws IOException {
        UUID id = create(Variant.DYNAMIC);
        store.write(id, 0, ByteBuffer.wrap(new byte[] {1}));
        store.write(id, MIB, ByteBuffer.wrap(new byte[] {1}));
        Path file = root.resolve(id + ".vdi");
        long length = Files.size(file);
        truncate(file, length - MIB / 2);

        CheckReport report = store.check(id);
        assertThat(report.isClean()).isFalse();
        assertThat(report.corruptions()).singleElement().asString()
                .contains("file is " + (length - MIB / 2) + " bytes, shorter than the " + length);
    }

    /** What the check finds in the file as it is: a read-only open repairs nothing. */
    private static CheckReport checkReadOnly(Path file) {
        try (ImageFile image = new VdiFormat().open(file, false)) {
            return image.check();
        }
    }

    /** The store opens images writable, which cuts off what no entry references (a crash's leftovers). */
    private void assertCleanOnceOpenedWritable(UUID id, int allocatedBlocks) throws IOException {
        store = ImageStore.withDefaultFormats(root);
        assertThat(store.check(id).isClean()).isTrue();
        Path file = root.resolve(id + ".vdi");
        assertThat(Files.size(file)).isEqualTo(Integer.toUnsignedLong(getInt(file, OFF_DATA)) + (long) allocatedBlocks * MIB);
    }

    private UUID create(Variant variant) {
        UUID id = UUID.randomUUID();
        store.create(id, "vdi", DISK, variant);
        return id;
    }
}
