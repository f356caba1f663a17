package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.ClusterGeometry.COMPRESSED;
import static dev.diskfleet.storage.qcow2.ClusterGeometry.COPIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import dev.diskfleet.storage.AllocationMeter;
import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.UnitState;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.support.QemuTools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and damaged qcow2 files, one broken field each: every one is refused with a message that names
 * what is wrong, by the time its data is read, and reading never changes the file.
 */
class Qcow2HostileFilesTest {

    private static final int BITS = 16;

    @TempDir
    Path dir;

    /** How a case breaks its fixture, and what the refusal must say ("…" stands for any text). */
    record Hostile(boolean overlay, Breaker breaker, String message) {
    }

    @FunctionalInterface
    interface Breaker {
        void breakIt(Mutator file);
    }

    static Stream<Arguments> hostileFiles() {
        return Stream.of(
                hostile("bad magic", false, f -> f.putInt(0, 0x514649FA), "magic is 0x514649FA"),
                hostile("version 1", false, f -> f.putInt(4, 1), "version is 1, expected 2 or 3"),
                hostile("version 4", false, f -> f.putInt(4, 4), "version is 4, expected 2 or 3"),
                hostile("cluster_bits 8", false, f -> f.putInt(20, 8), "cluster_bits is 8"),
                hostile("cluster_bits 22", false, f -> f.putInt(20, 22), "cluster_bits is 22"),
                hostile("size of 2^60 bytes", false, f -> f.putLong(24, 1L << 60), "too large for 65536-byte clusters"),
                hostile("negative size", false, f -> f.putLong(24, -512), "is not a valid disk size"),
                hostile("L1 table offset past EOF", false, f -> f.putLong(40, 1L << 40),
                        "L1 table (offset 1099511627776, 8 bytes) ends past the end"),
                hostile("L1 table offset unaligned", false, f -> f.putLong(40, f.layout().l1Offset() + 8),
                        "l1_table_offset is " + (3 * 65536 + 8) + ", not a multiple of the 65536-byte cluster size"),
                hostile("L1 table too small for the size", false, f -> f.putInt(36, 0),
                        "l1_size is 0 entries, too small"),
                hostile("L1 table too big", false, f -> f.putInt(36, 5_000_000),
                        "l1_size is 5000000 entries, more than QEMU's 32 MiB limit"),
                hostile("L1 table over the header", false, f -> f.putLong(40, 0), "would overlap the header cluster"),
                hostile("refcount table offset past EOF", false, f -> f.putLong(48, 1L << 40),
                        "refcount table (offset 1099511627776, 65536 bytes) ends past the end"),
                hostile("refcount table of 0 clusters", false, f -> f.putInt(56, 0), "refcount_table_clusters is 0"),
                hostile("refcount table over the L1 table", false, f -> f.putLong(48, f.layout().l1Offset()),
                        "overlaps the L1 table"),
                hostile("refcount_order 7", false, f -> f.putInt(96, 7), "refcount_order is 7"),
                hostile("crypt_method 1 (AES)", false, f -> f.putInt(32, 1), "encrypted (crypt_method 1, AES)"),
                hostile("crypt_method 2 (LUKS)", false, f -> f.putInt(32, 2), "encrypted (crypt_method 2, LUKS)"),
                hostile("unknown incompatible feature bit", false, f -> f.putLong(72, 1L << 5),
                        "unknown incompatible feature bits 0x20"),
                hostile("external data file bit", false, f -> f.putLong(72, 1L << 2), "external data file"),
                hostile("zstd compression", false, f -> {
                    f.putLong(72, 1L << 3);
                    f.putByte(104, 1);
                }, "zstd compression, which is not supported"),
                hostile("unknown compression type", false, f -> f.putByte(104, 7), "compression_type is 7"),
                hostile("compression type bit with zlib", false, f -> f.putLong(72, 1L << 3),
                        "compression type bit (incompatible bit 3) is set for zlib"),
                hostile("extended L2 entries", false, f -> f.putLong(72, 1L << 4), "extended L2 entries"),
                hostile("dirty bit", false, f -> f.putLong(72, 1), "dirty bit is set"),
                hostile("corrupt bit", false, f -> f.putLong(72, 2), "corrupt bit is set"),
                hostile("header_length 96", false, f -> f.putInt(100, 96), "header_length is 96, expected at least 104"),
                hostile("header_length not a multiple of 8", false, f -> f.putInt(100, 108),
                        "header_length is 108, expected a multiple of 8"),
                hostile("header_length beyond the header cluster", false, f -> f.putInt(100, 65544),
                        "header_length is 65544, larger than the 65536-byte cluster"),
                hostile("header extension longer than the header cluster", false, f -> {
                    f.putInt(112, 0x12345678);
                    f.putInt(116, 0x7FFFFFFF);
                }, "header extension 0x12345678 at byte 112 claims 2147483647 bytes"),
                hostile("encryption header extension", false, f -> {
                    f.putInt(112, HeaderExtensions.CRYPTO_HEADER);
                    f.putInt(116, 0);
                }, "encryption header extension"),
                hostile("persistent dirty bitmaps", false, f -> {
                    f.putInt(112, HeaderExtensions.BITMAPS);
                    f.putInt(116, 0);
                    f.putLong(88, 1);
                }, "persistent dirty bitmaps"),
                hostile("backing format extension running into the backing file name", true, f -> f.putInt(116, 40),
                        "header extension 0xE2792ACA at byte 112 claims 40 bytes, past the end of the header area"),
                hostile("backing format name too long", false, f -> {
                    f.putInt(112, HeaderExtensions.BACKING_FORMAT);
                    f.putInt(116, 20);
                }, "backing format extension is 20 bytes long, expected at most 15"),
                hostile("backing file offset past the header cluster and EOF", true, f -> f.putLong(8, 1L << 40),
                        "does not lie in the 65536-byte header cluster"),
                hostile("backing file name too long", true, f -> f.putInt(16, 2000),
                        "backing file name is 2000 bytes long, expected 1 to 1023"),
                hostile("backing file name inside the header", true, f -> f.putLong(8, 64), "inside the 112-byte header"),
                hostile("backing file name not UTF-8", true, f -> f.putByte(f.getLong(8), 0xFF), "not valid UTF-8"),
                hostile("too many internal snapshots", false, f -> f.putInt(60, 70_000), "nb_snapshots is 70000"),
                hostile("snapshot table past EOF", false, f -> {
                    f.putInt(60, 1);
                    f.putLong(64, 1L << 40);
                }, "snapshot table (offset 1099511627776"),
                hostile("L1 entry unaligned", false, f -> f.putLong(f.layout().l1Offset(), COPIED | (f.l2Table(0) + 512)),
                        "L1 entry 0 points at offset …, not a multiple of the 65536-byte cluster size"),
                hostile("L1 entry with reserved bits", false, f -> f.putLong(f.layout().l1Offset(), COPIED | f.l2Table(0) | 1),
                        "L1 entry 0 (0x8000…1) has reserved bits set"),
                hostile("L1 entry past EOF", false, f -> f.putLong(f.layout().l1Offset(), COPIED | (1L << 40)),
                        "points at an L2 table at offset 1099511627776, past the end"),
                hostile("refcount block past EOF", false, f -> f.putLong(f.layout().refcountTableOffset(), 1L << 40),
                        "refcount block 0 at offset 1099511627776 lies past the end"),
                hostile("refcount block unaligned", false, f -> f.putLong(f.layout().refcountTableOffset(), 65536 * 2 + 512),
                        "refcount table entry 0 points at offset 131584, not a cluster past the header"),
                hostile("L2 entry past EOF", false, f -> f.putLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT), COPIED | (1L << 40)),
                        "L2 entry points at offset 1099511627776, past the end"),
                hostile("L2 entry unaligned", false, f -> f.putLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT),
                        f.getLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT)) + 512), "not a multiple of the 65536-byte cluster"),
                hostile("L2 entry with reserved bits", false, f -> f.putLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT),
                        f.getLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT)) | 2), "has reserved bits set"),
                hostile("zero cluster in a version 2 image", false, f -> f.putInt(4, 2),
                        "is a zero cluster, which version 2 images cannot have"),
                hostile("compressed cluster span past EOF", false, f -> f.putLong(f.l2Entry(Qcow2Fixtures.COMPRESSED_UNIT),
                        COMPRESSED | (3L << 54) | (f.length() - 100)), "runs past the end of the"),
                hostile("compressed cluster with the copied flag", false, f -> f.putLong(
                        f.l2Entry(Qcow2Fixtures.COMPRESSED_UNIT), f.getLong(f.l2Entry(Qcow2Fixtures.COMPRESSED_UNIT)) | COPIED),
                        "has the copied flag set"),
                hostile("compressed cluster that is not deflate data", false, f -> {
                    long entry = f.getLong(f.l2Entry(Qcow2Fixtures.COMPRESSED_UNIT));
                    f.fill(entry & ((1L << 54) - 1), 64, 0xFF);
                }, "is not valid deflate data"),
                hostile("compressed cluster that inflates short", false, f -> {
                    long entry = f.getLong(f.l2Entry(Qcow2Fixtures.COMPRESSED_UNIT));
                    long offset = entry & ((1L << 54) - 1);
                    // A final stored block of 3 bytes: valid deflate, far less than a cluster.
                    f.putBytes(offset, new byte[] {1, 3, 0, (byte) 0xFC, (byte) 0xFF, 7, 7, 7});
                }, "inflates to 3 bytes, expected 65536"),
                hostile("file shorter than a header", false, f -> f.truncate(50), "too short for a qcow2 header"),
                hostile("file cut inside its L1 table", false, f -> f.truncate(3 * 65536 + 4),
                        "L1 table (offset 196608, 8 bytes) ends past the end of the 196612-byte file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFiles")
    void isRefusedWithAMessageNamingTheProblem(Hostile hostile) throws IOException {
        Path file = hostile.overlay() ? Qcow2Fixtures.overlay(dir, BITS) : Qcow2Fixtures.base(dir, BITS);
        useReadOnly(file);
        hostile.breaker().breakIt(new Mutator(file));
        byte[] broken = Files.readAllBytes(file);

        assertThatThrownBy(() -> useReadOnly(file)).isInstanceOf(ImageFormatException.class)
                .hasMessageStartingWith(file.getFileName() + ": ")
                .hasMessageMatching("(?s).*" + Arrays.stream(hostile.message().split("…")).map(Pattern::quote)
                        .collect(Collectors.joining(".*")) + ".*");
        assertThat(Files.readAllBytes(file)).as("the file after a read-only open").isEqualTo(broken);
    }

    // ---- crafted files of the review: refused at import, or imported and checked in seconds -------------

    @Test
    void dedupBombWhoseRefcountsWereNeverRaisedIsRefusedAtImport() throws IOException {
        Path file = Qcow2Fixtures.base(dir, BITS);
        Mutator f = new Mutator(file);
        long shared = f.getLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT));
        for (int unit = 0; unit < 40; unit++) {
            f.putLong(f.l2Entry(unit), shared);
        }
        assertImportRefused(file, "cluster 4 is referenced 40 times but its refcount is 1");
    }

    @Test
    void dedupBombWithHonestRefcountsIsRefusedAtImport() throws IOException {
        Path file = Qcow2Fixtures.base(dir, BITS);
        Mutator f = new Mutator(file);
        long host = f.getLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT)) & ClusterGeometry.OFFSET_MASK;
        for (int unit = 0; unit < 40; unit++) {
            f.putLong(f.l2Entry(unit), host);
        }
        f.setRefcount(host, 40);
        // qemu-img check finds nothing wrong here: every reference is counted. One image never shares its
        // own data clusters, though, and a clone would write 40 clusters from one.
        assertImportRefused(file, "holds data of more than 1 cluster of the disk");
    }

    /** Which metadata cluster a crafted L2 entry points at, as data. */
    @FunctionalInterface
    interface MetadataCluster {
        long offset(Mutator file);
    }

    static Stream<Arguments> metadataUsedAsData() {
        return Stream.of(
                Arguments.of(named("the L1 table", (MetadataCluster) f -> f.layout().l1Offset()), "an L1 table"),
                Arguments.of(named("the refcount table", (MetadataCluster) f -> f.layout().refcountTableOffset()),
                        "the refcount table"),
                Arguments.of(named("an L2 table", (MetadataCluster) f -> f.l2Table(0)), "an L2 table"),
                Arguments.of(named("a refcount block", (MetadataCluster) f -> f.layout().firstRefcountBlock(f.file())),
                        "a refcount block"));
    }

    /** Guest writes into such a cluster would overwrite the image's own tables; refcounts are made to agree. */
    @ParameterizedTest(name = "data over {0}")
    @MethodSource("metadataUsedAsData")
    void dataClusterOverMetadataIsRefusedAtImport(MetadataCluster metadata, String label) throws IOException {
        Path file = Qcow2Fixtures.base(dir, BITS);
        Mutator f = new Mutator(file);
        long offset = metadata.offset(f);
        f.putLong(f.l2Entry(Qcow2Fixtures.DATA_UNIT), offset);
        f.setRefcount(offset, 2);
        assertImportRefused(file, "is used as " + label + " and again as data");
    }

    /**
     * The review's slow check: an L1 table of a million entries that all name one L2 table full of entries
     * cost 25 ms per entry (7 hours). Each distinct table is now read once.
     */
    @Test
    void l1TableFullOfEntriesNamingOneL2TableIsCheckedInSecondsAndRefusedAtImport() throws IOException {
        Path file = Qcow2Fixtures.base(dir, 9);
        Mutator f = new Mutator(file);
        long l2 = f.getLong(f.layout().l1Offset()) & ClusterGeometry.OFFSET_MASK;
        int entries = 1 << 20;
        long l1 = (f.length() + 511) / 512 * 512;
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        while (chunk.hasRemaining()) {
            chunk.putLong(COPIED | l2);
        }
        for (long at = 0; at < entries * 8L; at += chunk.capacity()) {
            f.putBytes(l1 + at, chunk.array());
        }
        f.putLong(24, (long) entries << 15);
        f.putInt(36, entries);
        f.putLong(40, l1);

        try (ImageFile image = new Qcow2Format().open(file, false)) {
            long start = System.nanoTime();
            AllocationMeter.Measured<CheckReport> check = AllocationMeter.measure(image::check);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(check.failure()).isNull();
            assertThat(millis).as("check time in ms").isLessThan(10_000);
            assertThat(check.allocatedBytes()).as("bytes allocated by the check").isLessThan(48L << 20);
            assertThat(check.result().corruptions()).anyMatch(c -> c.contains("is named twice by the L1 table"));
        }
        assertImportRefused(file, "is named twice by the L1 table of the active image");
    }

    @Test
    void emptyAndMagicOnlyQcow2UploadsAreRefusedAndLeaveNothing() throws IOException {
        byte[] magic = {0x51, 0x46, 0x49, (byte) 0xFB};
        byte[] magicSector = Arrays.copyOf(magic, 512);
        Path root = dir.resolve("store");
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            assertThatThrownBy(() -> store.importImage(UUID.randomUUID(), new ByteArrayInputStream(new byte[0])))
                    .isInstanceOf(ImageFormatException.class).hasMessageContaining("the upload is empty");
            assertThatThrownBy(() -> store.importImage(UUID.randomUUID(), new ByteArrayInputStream(magic)))
                    .isInstanceOf(ImageFormatException.class).hasMessageContaining("too short for a qcow2 header");
            assertThatThrownBy(() -> store.importImage(UUID.randomUUID(), new ByteArrayInputStream(magicSector)))
                    .isInstanceOf(ImageFormatException.class).hasMessageContaining("version is 0, expected 2 or 3");
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).as("files left in the store").isEmpty();
        }
    }

    /**
     * qemu-img writes a compressed cluster; its deflate stream is then overwritten with garbage. The tables
     * stay consistent, so only inflating the cluster shows the damage: the import is refused, not the first
     * read of that cluster months later.
     */
    @Test
    void aCompressedClusterHoldingGarbageIsRefusedAtImport() throws IOException {
        QemuTools.require("qemu-img");
        Path raw = dir.resolve("text.raw");
        byte[] text = "a compressible line of a golden disk\n".repeat(2000).getBytes();
        Files.write(raw, Arrays.copyOf(text, 1 << 20));
        Path file = dir.resolve(UUID.randomUUID() + ".qcow2");
        QemuTools.qemuImg("convert", "-c", "-f", "raw", "-O", "qcow2", raw.toString(), file.toString());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(48);
            channel.read(header, 0);
            int clusterBits = header.getInt(20);
            long l1 = header.getLong(40);
            ByteBuffer word = ByteBuffer.allocate(8);
            channel.read(word, l1);
            long l2 = word.getLong(0) & 0x00fffffffffffe00L;
            channel.read(word.clear(), l2);
            long entry = word.getLong(0);
            assertThat(entry & COMPRESSED).as("qemu-img compressed the first cluster").isNotZero();
            long offset = entry & ((1L << (62 - (clusterBits - 8))) - 1);
            byte[] garbage = new byte[64];
            Arrays.fill(garbage, (byte) 0xFF);
            channel.write(ByteBuffer.wrap(garbage), offset);
        }
        assertImportRefused(file, "is not valid deflate data");
    }

    @Test
    void acceptedImageWithThousandsOfL2TablesIsCheckedInSeconds() throws IOException {
        Path source = dir.resolve(UUID.randomUUID() + ".qcow2");
        int cluster = 512;
        long perTable = (long) cluster * cluster / 8;
        long size = 4096 * perTable;
        try (ImageFile image = new Qcow2Format(9).create(source, NewImage.base(UUID.randomUUID(), size,
                Variant.DYNAMIC))) {
            Chain chain = new Chain(List.of(image));
            for (long at = 0; at < size; at += perTable) {
                chain.write(at + 7, ByteBuffer.wrap(new byte[] {(byte) (at / perTable), 1}));
            }
        }
        UUID id = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(dir.resolve("store"));
                InputStream upload = Files.newInputStream(source)) {
            store.importImage(id, upload);
            long start = System.nanoTime();
            CheckReport report = store.check(id);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(report.isClean()).as("%s", report).isTrue();
            assertThat(report.allocatedUnits()).isEqualTo(4096);
            assertThat(millis).as("check time in ms").isLessThan(5_000);
        }
    }

    /** Imports through the store: refused with the message, and nothing left in the store. */
    private void assertImportRefused(Path file, String fragment) throws IOException {
        Path root = dir.resolve("store");
        try (ImageStore store = ImageStore.withDefaultFormats(root); InputStream upload = Files.newInputStream(file)) {
            assertThatThrownBy(() -> store.importImage(UUID.randomUUID(), upload))
                    .isInstanceOf(ImageFormatException.class)
                    .hasMessageContaining("image is inconsistent")
                    .hasMessageContaining(fragment);
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).as("files left in the store").isEmpty();
        }
    }

    /** Opens read-only, reads every cluster that holds data and runs the check, as an import would. */
    static void useReadOnly(Path file) {
        try (ImageFile image = new Qcow2Format().open(file, false)) {
            long units = Math.min(image.unitCount(), 1 << 12);
            ByteBuffer cluster = ByteBuffer.allocate(image.unitSize());
            for (long u = 0; u < units; u++) {
                if (image.unitState(u) == UnitState.DATA) {
                    long offset = u * image.unitSize();
                    cluster.clear().limit((int) Math.min(image.unitSize(), image.virtualSize() - offset));
                    image.read(offset, cluster);
                }
            }
            image.check();
        }
    }

    private static Arguments hostile(String name, boolean overlay, Breaker breaker, String message) {
        return Arguments.of(named(name, new Hostile(overlay, breaker, message)));
    }

    /** Patches bytes of a fixture file in place. */
    record Mutator(Path file) {

        Qcow2Fixtures.Layout layout() {
            return Qcow2Fixtures.Layout.read(file);
        }

        long l2Table(long unit) {
            long entry = layout().l2EntryOffset(file, unit);
            return entry & ~(65536L - 1);
        }

        long l2Entry(long unit) {
            return layout().l2EntryOffset(file, unit);
        }

        long length() {
            return file.toFile().length();
        }

        long getLong(long position) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
            with(channel -> channel.read(b, position));
            return b.getLong(0);
        }

        void putByte(long position, int value) {
            putBytes(position, new byte[] {(byte) value});
        }

        /** Sets the 16-bit refcount of the cluster at {@code hostOffset} (fixtures have one refcount block). */
        void setRefcount(long hostOffset, int value) {
            long block = layout().firstRefcountBlock(file);
            long at = block + (hostOffset >> layout().clusterBits()) * 2;
            putBytes(at, ByteBuffer.allocate(2).putShort((short) value).array());
        }

        void putInt(long position, int value) {
            putBytes(position, ByteBuffer.allocate(4).putInt(value).array());
        }

        void putLong(long position, long value) {
            putBytes(position, ByteBuffer.allocate(8).putLong(value).array());
        }

        void fill(long position, int length, int value) {
            byte[] bytes = new byte[length];
            Arrays.fill(bytes, (byte) value);
            putBytes(position, bytes);
        }

        void putBytes(long position, byte[] bytes) {
            with(channel -> channel.write(ByteBuffer.wrap(bytes), position));
        }

        void truncate(long size) {
            with(channel -> {
                channel.truncate(size);
                return 0;
            });
        }

        private void with(IoStep step) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                step.apply(channel);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @FunctionalInterface
    interface IoStep {
        int apply(FileChannel channel) throws IOException;
    }
}
