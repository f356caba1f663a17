package dev.diskfleet.storage;

import static dev.diskfleet.storage.VdiFileBytes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.storage.vdi.VdiFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile VDI files, each built by patching a valid image our driver wrote, each refused
 * with its own message naming the field, its value and what was expected. A refused file is left exactly
 * as it was, whether opened read-only or writable.
 */
class VdiHostileFilesTest {

    private static final int MIB = 1 << 20;
    /** The valid image: 5 blocks, blocks 0, 2 and 4 written (data blocks 0, 1, 2), data at 4096. */
    private static final long DISK = 5L * MIB;

    @TempDir
    static Path shared;
    static byte[] validImage;

    @TempDir
    Path dir;

    @FunctionalInterface
    interface Patch {
        void apply(Path file) throws IOException;
    }

    record Hostile(String name, Patch patch, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void writeValidImage() throws IOException {
        try (ImageStore store = ImageStore.withDefaultFormats(shared)) {
            UUID id = UUID.randomUUID();
            store.create(id, "vdi", DISK, Variant.DYNAMIC);
            for (long block : new long[] {0, 2, 4}) {
                store.write(id, block * MIB + 10, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            }
            store.close();
            validImage = Files.readAllBytes(shared.resolve(id + ".vdi"));
        }
    }

    static Stream<Hostile> hostileFiles() {
        return Stream.of(
                new Hostile("wrong signature", f -> putInt(f, SIGNATURE, 0x12345678), "signature is 0x12345678"),
                new Hostile("wrong version", f -> putInt(f, VERSION, 0x00020001), "version is 0x00020001"),
                new Hostile("ancient major version 0", f -> putInt(f, VERSION, 0x00000001), "version is 0x00000001"),
                new Hostile("header size below the v1 header", f -> putInt(f, HEADER_SIZE, 0x100),
                        "header size (cbHeader) is 256"),
                new Hostile("header size past the first sector", f -> putInt(f, HEADER_SIZE, 0x200),
                        "header size (cbHeader) is 512"),
                new Hostile("unknown image type", f -> putInt(f, TYPE, 7), "image type is 7"),
                new Hostile("undo image type", f -> putInt(f, TYPE, 3), "image type 3 (undo)"),
                new Hostile("legacy sector size not 512", f -> putInt(f, SECTOR_SIZE, 4096),
                        "legacy geometry sector size is 4096"),
                new Hostile("block size not a power of two", f -> putInt(f, BLOCK_SIZE, 1_000_000),
                        "block size (cbBlock) is 1000000, expected a power of two"),
                new Hostile("block size zero", f -> putInt(f, BLOCK_SIZE, 0),
                        "block size (cbBlock) is 0, expected a power of two"),
                new Hostile("block size above 64 MiB", f -> putInt(f, BLOCK_SIZE, 128 * MIB),
                        "block size (cbBlock) is 134217728, expected 512 bytes to 64 MiB"),
                new Hostile("block size below a sector", f -> putInt(f, BLOCK_SIZE, 256),
                        "block size (cbBlock) is 256, expected 512 bytes to 64 MiB"),
                new Hostile("2 MiB blocks", f -> putInt(f, BLOCK_SIZE, 2 * MIB),
                        "block size (cbBlock) is 2097152; only 1 MiB (1048576-byte) blocks are supported"),
                new Hostile("4 KiB blocks", f -> putInt(f, BLOCK_SIZE, 4096),
                        "block size (cbBlock) is 4096; only 1 MiB (1048576-byte) blocks are supported"),
                new Hostile("per-block extra data", f -> putInt(f, BLOCK_EXTRA, 512),
                        "per-block extra data (cbBlockExtra) is 512, expected 0"),
                new Hostile("disk size zero", f -> putLong(f, DISK_SIZE, 0), "disk size (cbDisk) is 0, expected"),
                new Hostile("disk size with the sign bit set", f -> putLong(f, DISK_SIZE, Long.MIN_VALUE),
                        "disk size (cbDisk) is 9223372036854775808, expected a positive size"),
                new Hostile("disk size in exabytes", f -> putLong(f, DISK_SIZE, 1L << 60),
                        "disk size (cbDisk) is 1152921504606846976 bytes, more than"),
                new Hostile("block count too small for the disk", f -> putInt(f, BLOCKS, 4),
                        "block count (cBlocks) is 4, expected 5"),
                new Hostile("block count above QEMU's maximum", f -> putInt(f, BLOCKS, 0x40000000),
                        "block count (cBlocks) is 1073741824, expected at most 1073741823"),
                new Hostile("allocated count above the block count", f -> putInt(f, BLOCKS_ALLOCATED, 6),
                        "allocated block count (cBlocksAllocated) is 6"),
                new Hostile("block map offset not sector aligned", f -> putInt(f, OFF_BLOCKS, 513),
                        "block map offset (offBlocks) is 513, expected a multiple of 512"),
                new Hostile("block map offset inside the header", f -> putInt(f, OFF_BLOCKS, 0),
                        "block map offset (offBlocks) is 0, inside the header"),
                new Hostile("block map past the end of the file", f -> putInt(f, OFF_BLOCKS, 0x7FFFFE00),
                        "block map (5 entries at offset 2147483136) ends at byte 2147483156, past the end"),
                new Hostile("data offset not sector aligned", f -> putInt(f, OFF_DATA, 4097),
                        "data offset (offData) is 4097, expected a multiple of 512"),
                new Hostile("data offset overlapping the block map", f -> putInt(f, OFF_DATA, 512),
                        "data offset (offData) is 512, inside the block map"),
                new Hostile("data offset past the end of the file", f -> putInt(f, OFF_DATA, 0x7FFFFE00),
                        "data offset (offData) is 2147483136, past the end"),
                new Hostile("truncated block map", f -> truncate(f, 514),
                        "ends at byte 532, past the end of the 514-byte file"),
                new Hostile("truncated data area", f -> truncate(f, 4096 + 2L * MIB + 100),
                        "3 allocated blocks need the file to be at least 3149824 bytes, but it is 2101348"),
                new Hostile("block map entry past the allocated count", f -> putMapEntry(f, 1, 7),
                        "block map entry 1 points at data block 7, but only 3 blocks are allocated"),
                new Hostile("entry at the allocated count without its data block", f -> putMapEntry(f, 3, 3),
                        "block map entry 3 points at data block 3, but only 3 blocks are allocated"),
                new Hostile("two entries sharing a data block", f -> putMapEntry(f, 3, 0),
                        "block map entry 3 points at data block 0, which another entry already uses"),
                new Hostile("file shorter than the header", f -> truncate(f, 300),
                        "file is 300 bytes, too short for a VDI header"),
                new Hostile("empty file", f -> truncate(f, 0), "file is 0 bytes, too short"),
                new Hostile("null creation UUID", f -> putUuid(f, UUID_CREATE, new UUID(0, 0)),
                        "creation UUID (uuidCreate) is null"),
                new Hostile("base image naming a parent",
                        f -> putUuid(f, UUID_LINKAGE, UUID.fromString("11111111-2222-3333-4444-555555555555")),
                        "image of type 1 names a parent (uuidLinkage 11111111-2222-3333-4444-555555555555)"),
                new Hostile("differencing image with a null link", f -> putInt(f, TYPE, 4),
                        "differencing image has a null parent UUID (uuidLinkage)"),
                new Hostile("differencing image naming itself", f -> {
                    putInt(f, TYPE, 4);
                    putBytes(f, UUID_LINKAGE, bytes(f, UUID_CREATE, 16));
                }, "as its parent"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFiles")
    void malformedFileIsRefusedWithItsOwnMessageAndLeftUntouched(Hostile hostile) throws IOException {
        Path file = hostileFile(hostile);
        byte[] before = Files.readAllBytes(file);

        for (boolean writable : new boolean[] {false, true}) {
            assertThatThrownBy(() -> new VdiFormat().open(file, writable).close())
                    .as("%s, opened %s", hostile.name(), writable ? "writable" : "read-only")
                    .isInstanceOf(ImageFormatException.class)
                    .hasMessageStartingWith("hostile.vdi: ")
                    .hasMessageContaining(hostile.fragment());
        }
        assertThat(Files.readAllBytes(file)).as("file bytes after the refused opens").isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFiles")
    void malformedUploadIsRefusedAndLeavesNoFileBehind(Hostile hostile) throws IOException {
        Path file = hostileFile(hostile);
        Path root = dir.resolve("store");
        try (ImageStore store = ImageStore.withDefaultFormats(root); InputStream upload = Files.newInputStream(file)) {
            if (hostile.name().equals("wrong signature")) {
                // Without the VDI signature an upload is a raw disk: accepted, and read byte for byte.
                store.importImage(UUID.randomUUID(), upload);
                return;
            }
            assertThatThrownBy(() -> store.importImage(UUID.randomUUID(), upload))
                    .isInstanceOf(ImageFormatException.class);
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).as("files left in the store").isEmpty();
        }
    }

    @Test
    void everyMalformedFileGetsADifferentMessage() throws IOException {
        List<String> messages = new ArrayList<>();
        for (Hostile hostile : hostileFiles().toList()) {
            Path file = hostileFile(hostile);
            try {
                new VdiFormat().open(file, false).close();
                messages.add("opened: " + hostile.name());
            } catch (ImageFormatException e) {
                messages.add(e.getMessage());
            }
        }
        assertThat(messages).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(20);
    }

    // ---- block maps sized by a crafted header ---------------------------------------------------------

    /**
     * A header claiming {@code blocks} blocks, its block map a sparse hole in the file and no data: the map
     * alone would take {@code blocks * 4} bytes of heap (2^29 blocks overflowed an int and failed with an
     * IllegalArgumentException).
     */
    private Path sparseMapFile(long blocks) throws IOException {
        Path file = dir.resolve("hostile.vdi");
        Files.write(file, validImage);
        putInt(file, BLOCKS, (int) blocks);
        putLong(file, DISK_SIZE, blocks * MIB);
        putInt(file, BLOCKS_ALLOCATED, 0);
        long dataOffset = 512 + blocks * 4;
        putInt(file, OFF_DATA, (int) dataOffset);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataOffset);
        }
        for (int block = 0; block < 5; block++) {
            putMapEntry(file, block, 0);
        }
        return file;
    }

    @ParameterizedTest(name = "2^{0} blocks")
    @org.junit.jupiter.params.provider.ValueSource(ints = {29, 28})
    void hugeBlockCountBeyondTheStoreLimitIsRefusedBeforeItsMapIsAllocated(int log2Blocks) throws IOException {
        Path file = sparseMapFile(1L << log2Blocks);

        AllocationMeter.Measured<ImageFile> open = AllocationMeter.measure(() -> new VdiFormat().open(file, false));

        assertThat(open.failure()).isInstanceOf(VirtualSizeLimitException.class)
                .hasMessage("hostile.vdi: virtual size is " + ((long) MIB << log2Blocks)
                        + " bytes, more than the 8796093022208-byte limit of this store");
        assertThat(open.allocatedBytes()).as("bytes allocated by the refused open").isLessThan(1 << 20);
    }

    @Test
    void blockMapThatIsAHoleInTheFileIsRefusedBeforeTheMapIsAllocated() throws IOException {
        // 8 TiB, the largest disk the default limit allows: a 32 MiB map, all of it a hole reading as zeros.
        Path file = sparseMapFile(1L << 23);

        AllocationMeter.Measured<ImageFile> open = AllocationMeter.measure(() -> new VdiFormat().open(file, false));

        assertThat(open.failure()).isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("block map entry 0 points at data block 0, but only 0 blocks are allocated");
        assertThat(open.allocatedBytes()).as("bytes allocated by the refused open").isLessThan(2 << 20);
    }

    @Test
    void storeWithASmallerLimitRefusesALargerUpload() throws IOException {
        Path root = dir.resolve("store");
        try (ImageStore store = ImageStore.withDefaultFormats(root, new StorageLimits(4L * MIB));
                InputStream upload = new java.io.ByteArrayInputStream(validImage)) {
            assertThatThrownBy(() -> store.importImage(UUID.randomUUID(), upload))
                    .isInstanceOf(VirtualSizeLimitException.class)
                    .hasMessageContaining("virtual size is 5242880 bytes, more than the 4194304-byte limit");
            assertThatThrownBy(() -> store.create(UUID.randomUUID(), "vdi", 5L * MIB, Variant.DYNAMIC))
                    .isInstanceOf(VirtualSizeLimitException.class);
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).as("files left in the store").isEmpty();
        }
    }

    // ---- chains ------------------------------------------------------------------------------------

    @Test
    void childOfAParentWrittenAfterTheChildWasMadeIsRefused() {
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            UUID base = UUID.randomUUID();
            store.create(base, "vdi", DISK, Variant.DYNAMIC);
            store.write(base, 0, ByteBuffer.wrap(new byte[] {1}));
            UUID child = UUID.randomUUID();
            store.createDifferencing(child, base);

            store.write(base, 5 * 512, ByteBuffer.wrap(new byte[] {2}));

            assertReadRefused(store, child, ChainException.class,
                    "parent " + base + " has changed since differencing image " + child);
        }
    }

    @Test
    void childWhoseParentsModificationUuidChangedOnDiskIsRefused() throws IOException {
        UUID base = UUID.randomUUID();
        UUID child = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(base, "vdi", DISK, Variant.DYNAMIC);
            store.createDifferencing(child, base);
        }
        putUuid(dir.resolve(base + ".vdi"), UUID_MODIFY, UUID.randomUUID());
        assertReadRefused(child, ChainException.class, "has changed since differencing image " + child);
    }

    @Test
    void childStackedOnAParentItWasNotMadeOnIsRefused() {
        UUID base = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID child = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(base, "vdi", DISK, Variant.DYNAMIC);
            store.create(other, "vdi", DISK, Variant.DYNAMIC);
            store.createDifferencing(child, base);
        }
        VdiFormat vdi = new VdiFormat();
        try (ImageFile top = vdi.open(dir.resolve(child + ".vdi"), false);
                ImageFile wrong = vdi.open(dir.resolve(other + ".vdi"), false)) {
            assertThatThrownBy(() -> new Chain(List.of(top, wrong)))
                    .isInstanceOf(ChainException.class)
                    .hasMessageContaining("image " + child + " was made on parent " + base + ", not on " + other);
            assertThatThrownBy(() -> new Chain(List.of(top)))
                    .isInstanceOf(ChainException.class)
                    .hasMessageContaining("its parent was not given");
        }
    }

    @Test
    void childNamingAMissingParentIsRefused() throws IOException {
        UUID child = UUID.randomUUID();
        UUID missing = UUID.randomUUID();
        createChild(child);
        putUuid(dir.resolve(child + ".vdi"), UUID_LINKAGE, missing);
        assertReadRefused(child, ImageNotFoundException.class, "no image file for " + missing);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void twoDifferencingImagesNamingEachOtherAreRefusedNotFollowedForever() throws IOException {
        UUID base = UUID.randomUUID();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(base, "vdi", DISK, Variant.DYNAMIC);
            store.createDifferencing(a, base);
            store.createDifferencing(b, base);
        }
        putUuid(dir.resolve(a + ".vdi"), UUID_LINKAGE, b);
        putUuid(dir.resolve(b + ".vdi"), UUID_LINKAGE, a);
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            assertThatThrownBy(() -> store.read(a, 0, ByteBuffer.allocate(1)))
                    .isInstanceOf(ChainException.class)
                    .hasMessageContaining("loop");
            assertThatThrownBy(() -> store.lineage(b))
                    .isInstanceOf(ChainException.class)
                    .hasMessageContaining("loop");
        }
    }

    @Test
    void childOfAParentWithAnotherSizeIsRefused() throws IOException {
        UUID small = UUID.randomUUID();
        UUID child = UUID.randomUUID();
        createChild(child);
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(small, "vdi", DISK - MIB, Variant.DYNAMIC);
        }
        Path smallFile = dir.resolve(small + ".vdi");
        Path childFile = dir.resolve(child + ".vdi");
        putUuid(childFile, UUID_LINKAGE, small);
        putBytes(childFile, UUID_PARENT_MODIFY, bytes(smallFile, UUID_MODIFY, 16));
        assertReadRefused(child, ChainException.class, "different size");
    }

    @Test
    void differencingVdiOnARawParentIsRefused() throws IOException {
        UUID raw = UUID.randomUUID();
        UUID child = UUID.randomUUID();
        createChild(child);
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(raw, "raw", DISK, Variant.DYNAMIC);
        }
        putUuid(dir.resolve(child + ".vdi"), UUID_LINKAGE, raw);
        assertReadRefused(child, ChainException.class, "needs a VDI parent, got raw image " + raw);
    }

    @Test
    void imageFileWhoseHeaderUuidDisagreesWithItsNameIsRefused() throws IOException {
        UUID original = UUID.randomUUID();
        UUID copy = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            store.create(original, "vdi", DISK, Variant.DYNAMIC);
        }
        Files.copy(dir.resolve(original + ".vdi"), dir.resolve(copy + ".vdi"));
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            assertThatThrownBy(() -> store.describe(copy))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(copy + ".vdi carries UUID " + original);
        }
    }

    @Test
    void uploadOfADifferencingImageIsRefusedAndLeavesNothingBehind() throws IOException {
        UUID child = UUID.randomUUID();
        createChild(child);
        byte[] upload = Files.readAllBytes(dir.resolve(child + ".vdi"));
        Path root = dir.resolve("store");
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            assertThatThrownBy(() -> store.importImage(UUID.randomUUID(), new ByteArrayInputStream(upload)))
                    .isInstanceOf(ImageFormatException.class)
                    .hasMessageContaining("names a parent or backing file");
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    /** Reading {@code image} through a store freshly opened over {@link #dir} is refused. */
    private void assertReadRefused(UUID image, Class<? extends StorageException> type, String fragment) {
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            assertReadRefused(store, image, type, fragment);
        }
    }

    private static void assertReadRefused(ImageStore store, UUID image, Class<? extends StorageException> type,
            String fragment) {
        assertThatThrownBy(() -> store.read(image, 0, ByteBuffer.allocate(1)))
                .isInstanceOf(type)
                .hasMessageContaining(fragment);
    }

    private void createChild(UUID child) {
        try (ImageStore store = ImageStore.withDefaultFormats(dir)) {
            UUID base = UUID.randomUUID();
            store.create(base, "vdi", DISK, Variant.DYNAMIC);
            store.createDifferencing(child, base);
        }
    }

    private Path hostileFile(Hostile hostile) throws IOException {
        Path caseDir = Files.createTempDirectory(dir, "case");
        Path file = caseDir.resolve("hostile.vdi");
        Files.write(file, validImage);
        hostile.patch().apply(file);
        return file;
    }
}
