package dev.diskfleet.storage.qcow2;

import static dev.diskfleet.storage.qcow2.TestDisks.assertSameBytes;
import static dev.diskfleet.storage.qcow2.TestDisks.fillWithNoise;
import static dev.diskfleet.storage.qcow2.TestDisks.readAll;
import static dev.diskfleet.storage.qcow2.TestDisks.writeRandomly;
import static dev.diskfleet.support.QemuTools.assertCheckClean;
import static dev.diskfleet.support.QemuTools.assertIdentical;
import static dev.diskfleet.support.QemuTools.qemuImg;
import static dev.diskfleet.support.QemuTools.qemuIo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageNotWritableException;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.Progress;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.QemuTools.Result;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * qemu-img and qemu-io judge the qcow2 files we write, and write files for us to read. Each test names
 * the command that judged it.
 */
class Qcow2QemuInteropTest {

    private static final int SIZE = 6 << 20;

    @TempDir
    Path root;

    @BeforeEach
    void qemuIsInstalled() {
        QemuTools.require("qemu-img", "qemu-io");
    }

    @Test
    void qemuImgInfoShowsTheBackingChainOfAnOverlayWeCreated() {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            UUID overlay = UUID.randomUUID();
            store.create(base, "qcow2", SIZE, Variant.DYNAMIC);
            store.createDifferencing(overlay, base);

            JsonNode chain = new ObjectMapper().readTree(
                    qemuImg("info", "--backing-chain", "--output=json", file(overlay).toString()));
            assertThat(chain.size()).isEqualTo(2);
            assertThat(chain.get(0).get("format").asString()).isEqualTo("qcow2");
            assertThat(chain.get(0).get("backing-filename").asString()).isEqualTo(base + ".qcow2");
            assertThat(chain.get(0).get("backing-filename-format").asString()).isEqualTo("qcow2");
            assertThat(chain.get(0).get("virtual-size").asLong()).isEqualTo(SIZE);
            assertThat(chain.get(0).get("format-specific").get("data").get("compat").asString()).isEqualTo("1.1");
            assertThat(chain.get(1).get("filename").asString()).endsWith(base + ".qcow2");
            assertThat(chain.get(1).has("backing-filename")).isFalse();
            assertCheckClean(file(overlay));
            assertCheckClean(file(base));
        }
    }

    @Test
    void anEmptyOverlayOfATenGibBaseIsTheSizeOfQemusOwn() {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            UUID overlay = UUID.randomUUID();
            store.create(base, "qcow2", 10L << 30, Variant.DYNAMIC);
            store.createDifferencing(overlay, base);
            Path theirs = root.resolve("qemu-overlay.qcow2");
            qemuImg("create", "-f", "qcow2", "-b", base + ".qcow2", "-F", "qcow2", theirs.toString());

            assertThat(file(overlay).toFile().length()).isEqualTo(theirs.toFile().length()).isLessThan(256 << 10);
            assertCheckClean(file(overlay));
        }
    }

    @Test
    void afterOurWritesResetsAndMergesQemuFindsEveryFileCleanAndIdenticalToTheExpectedDisk() throws IOException {
        byte[] expected = new byte[SIZE];
        Random random = new Random(61);
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            UUID overlay = UUID.randomUUID();
            store.create(base, "qcow2", SIZE, Variant.DYNAMIC);
            writeRandomly((o, b) -> store.write(base, o, b), expected, random, 30, 200_000);
            byte[] baseBytes = expected.clone();
            store.createDifferencing(overlay, base);
            writeRandomly((o, b) -> store.write(overlay, o, b), expected, random, 60, 200_000);
            // A whole cluster of zeros over base data becomes a zero cluster that masks the base.
            store.write(overlay, 3L << 16, ByteBuffer.allocate(1 << 16));
            Arrays.fill(expected, 3 << 16, 4 << 16, (byte) 0);

            assertCheckClean(file(overlay));
            assertIdentical(file(overlay), raw("expected.raw", expected));

            store.reset(overlay);
            assertCheckClean(file(overlay));
            assertIdentical(file(overlay), raw("base.raw", baseBytes));

            expected = baseBytes.clone();
            writeRandomly((o, b) -> store.write(overlay, o, b), expected, random, 20, 200_000);
            store.mergeIntoParent(overlay);
            assertCheckClean(file(base));
            assertIdentical(file(base), raw("merged.raw", expected));
        }
    }

    @Test
    void weReadExactlyWhatQemuIoWroteIntoOurOverlayAndTheBaseElsewhere() throws IOException {
        byte[] expected = new byte[SIZE];
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            UUID overlay = UUID.randomUUID();
            store.create(base, "qcow2", SIZE, Variant.DYNAMIC);
            writeRandomly((o, b) -> store.write(base, o, b), expected, new Random(62), 25, 200_000);
            store.createDifferencing(overlay, base);
            store.write(overlay, 100_000, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            expected[100_000] = 1;
            expected[100_001] = 2;
            expected[100_002] = 3;
            store.close();

            qemuIo("-f", "qcow2", "-c", "write -P 0xab 70000 200000", file(overlay).toString());
            qemuIo("-f", "qcow2", "-c", "write -P 0xcd 3145728 65536", file(overlay).toString());
            qemuIo("-f", "qcow2", "-c", "write -z 4194304 131072", file(overlay).toString());
            Arrays.fill(expected, 70_000, 270_000, (byte) 0xab);
            Arrays.fill(expected, 3 << 20, (3 << 20) + 65536, (byte) 0xcd);
            Arrays.fill(expected, 4 << 20, (4 << 20) + 131072, (byte) 0);
        }
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID overlay = store.listImageIds().stream().filter(id -> store.describe(id).depth() == 2)
                    .findFirst().orElseThrow();
            ByteBuffer seen = ByteBuffer.allocate(SIZE);
            store.read(overlay, 0, seen);
            assertSameBytes(seen.array(), expected);
            assertThat(store.check(overlay).isClean()).isTrue();
        }
    }

    @Test
    void compressedImagesQemuWroteReadLikeTheirRawSource() throws IOException {
        byte[] source = mixedContent(new Random(63));
        Path compressed = convert(source, "compressed.qcow2", "-c");
        assertThat(qemuImg("check", compressed.toString())).contains("compressed clusters")
                .doesNotContain(" 0.00% compressed");
        assertReadsLike(compressed, source);
    }

    @Test
    void uncompressedImagesWithDefaultSmallAndLargeClustersReadLikeTheirRawSource() throws IOException {
        byte[] source = mixedContent(new Random(64));
        for (String clusterSize : List.of("65536", "4096", "2M")) {
            Path converted = convert(source, "converted-" + clusterSize + ".qcow2", "-o", "cluster_size=" + clusterSize);
            assertReadsLike(converted, source);
        }
    }

    @Test
    void writingIntoCompressedClustersStoresThemUncompressedAndQemuAgrees() throws IOException {
        byte[] expected = mixedContent(new Random(65));
        Path image = convert(expected, "compressed.qcow2", "-c");
        try (ImageFile file = new Qcow2Format().open(image, true)) {
            writeRandomly(new Chain(List.of(file))::write, expected, new Random(66), 40, 5000);
            assertThat(file.check().isClean()).isTrue();
        }
        assertCheckClean(image);
        assertIdentical(image, raw("expected.raw", expected));
    }

    @Test
    void imagesWithOneBitAndSixtyFourBitRefcountsAndVersionTwoStayCleanUnderOurWrites() throws IOException {
        for (String options : List.of("refcount_bits=1", "refcount_bits=64", "compat=0.10", "refcount_bits=8,cluster_size=4096")) {
            Path image = root.resolve(options.replace(',', '-').replace('=', '-') + ".qcow2");
            qemuImg("create", "-f", "qcow2", "-o", options, image.toString(), String.valueOf(SIZE));
            qemuIo("-f", "qcow2", "-c", "write -P 0x11 0 300000", image.toString());
            byte[] expected = new byte[SIZE];
            Arrays.fill(expected, 0, 300_000, (byte) 0x11);
            try (ImageFile file = new Qcow2Format().open(image, true)) {
                Chain chain = new Chain(List.of(file));
                writeRandomly(chain::write, expected, new Random(67), 30, 150_000);
                chain.write(1 << 20, ByteBuffer.allocate(1 << 20));
                Arrays.fill(expected, 1 << 20, 2 << 20, (byte) 0);
            }
            assertCheckClean(image);
            assertIdentical(image, raw("expected-" + image.getFileName() + ".raw", expected));
        }
    }

    @Test
    void growingTheRefcountTableOfASmallClusterImageKeepsQemuCheckClean() throws IOException {
        int size = 20 << 20;
        byte[] expected = new byte[size];
        Path image = root.resolve(UUID.randomUUID() + ".qcow2");
        try (ImageFile file = new Qcow2Format(9).create(image, NewImage.base(UUID.randomUUID(), size, Variant.DYNAMIC))) {
            fillWithNoise(new Chain(List.of(file))::write, expected, new Random(68));
        }
        assertThat(qemuImg("info", "--output=json", image.toString())).contains("\"cluster-size\": 512");
        assertCheckClean(image);
        assertIdentical(image, raw("expected.raw", expected));
    }

    @Test
    void flattenedClonesOfVdiAndQcow2ChainsToQcow2PassQemuCheckAndConvertOnToRawAndVdiIdentically() throws IOException {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            for (String format : List.of("vdi", "qcow2")) {
                byte[] expected = new byte[SIZE];
                Random random = new Random(format.hashCode());
                UUID base = UUID.randomUUID();
                UUID child = UUID.randomUUID();
                store.create(base, format, SIZE, Variant.DYNAMIC);
                writeRandomly((o, b) -> store.write(base, o, b), expected, random, 20, 200_000);
                store.createDifferencing(child, base);
                writeRandomly((o, b) -> store.write(child, o, b), expected, random, 20, 200_000);
                Path expectedRaw = raw(format + "-expected.raw", expected);

                UUID asQcow2 = UUID.randomUUID();
                store.clone(child, asQcow2, "qcow2", Variant.DYNAMIC, Progress.NONE);
                assertThat(store.describe(asQcow2).depth()).isEqualTo(1);
                assertCheckClean(file(asQcow2));
                assertIdentical(file(asQcow2), expectedRaw);

                UUID asRaw = UUID.randomUUID();
                store.clone(asQcow2, asRaw, "raw", Variant.DYNAMIC, Progress.NONE);
                assertSameBytes(Files.readAllBytes(root.resolve(asRaw + ".raw")), expected);

                UUID asVdi = UUID.randomUUID();
                store.clone(asQcow2, asVdi, "vdi", Variant.DYNAMIC, Progress.NONE);
                assertIdentical(root.resolve(asVdi + ".vdi"), "vdi", expectedRaw);
            }
        }
    }

    @Test
    void imagesWithInternalSnapshotsReadTheActiveLayerCheckCleanAndRefuseWritesUnchanged() throws IOException {
        Path image = root.resolve("snapshots.qcow2");
        qemuImg("create", "-f", "qcow2", image.toString(), String.valueOf(SIZE));
        qemuIo("-f", "qcow2", "-c", "write -P 0x11 0 200000", image.toString());
        qemuImg("snapshot", "-c", "first", image.toString());
        qemuIo("-f", "qcow2", "-c", "write -P 0x22 100000 200000", image.toString());
        byte[] expected = new byte[SIZE];
        Arrays.fill(expected, 0, 200_000, (byte) 0x11);
        Arrays.fill(expected, 100_000, 300_000, (byte) 0x22);
        byte[] before = Files.readAllBytes(image);
        try (ImageFile file = new Qcow2Format().open(image, true)) {
            ByteBuffer seen = ByteBuffer.allocate(SIZE);
            Chain chain = new Chain(List.of(file));
            chain.read(0, seen);
            assertSameBytes(seen.array(), expected);
            assertThat(file.check().isClean()).as("our check, counting the snapshot's clusters").isTrue();
            assertThatThrownBy(() -> chain.write(0, ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOf(StorageException.class).hasMessageContaining("internal snapshots");
            assertThatThrownBy(file::discardAll).isInstanceOf(StorageException.class);
        }
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
        assertCheckClean(image);
    }

    /** {@code qemu-img convert -O qcow2} of a raw disk holding {@code content}. */
    private Path convert(byte[] content, String name, String... options) throws IOException {
        Path source = raw(name + ".source.raw", content);
        Path target = root.resolve(name);
        List<String> args = new ArrayList<>(List.of("convert", "-f", "raw", "-O", "qcow2"));
        args.addAll(List.of(options));
        args.addAll(List.of(source.toString(), target.toString()));
        qemuImg(args.toArray(String[]::new));
        return target;
    }

    private void assertReadsLike(Path image, byte[] source) {
        try (ImageFile file = new Qcow2Format().open(image, false)) {
            assertThat(file.virtualSize()).isEqualTo(source.length);
            assertSameBytes(readAll(new Chain(List.of(file))), source);
            assertThat(file.check().isClean()).as("our check of %s: %s", image, file.check()).isTrue();
        }
    }

    /** Random, highly compressible and all-zero stretches, not aligned to clusters. */
    private static byte[] mixedContent(Random random) {
        byte[] content = new byte[SIZE + 3 * 512];
        byte[] text = "Diskfleet golden image block of text. ".getBytes(StandardCharsets.US_ASCII);
        int at = 0;
        while (at < content.length) {
            int length = Math.min(content.length - at, 10_000 + random.nextInt(300_000));
            switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] noise = new byte[length];
                    random.nextBytes(noise);
                    System.arraycopy(noise, 0, content, at, length);
                }
                case 1 -> {
                    for (int i = 0; i < length; i++) {
                        content[at + i] = text[i % text.length];
                    }
                }
                default -> {
                    // zeros
                }
            }
            at += length;
        }
        return content;
    }

    /**
     * Judged by {@code qemu-img snapshot -c} (which writes the file, its last snapshot entry unpadded) and
     * {@code qemu-img convert -O raw} (the active state we must read): the upload imports, reads the same,
     * serves as a base, and refuses writes before changing a byte.
     */
    @Test
    void qcow2WithTwoInternalSnapshotsImportsReadsItsActiveStateAndRefusesWrites() throws IOException {
        Path made = root.resolve("made-by-qemu.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", made.toString(), "4M");
        qemuIo("-c", "write -P 0x11 0 128k", made.toString());
        qemuImg("snapshot", "-c", "first", made.toString());
        qemuIo("-c", "write -P 0x22 64k 128k", made.toString());
        // The last step: the file then ends right after the last entry's name, without its padding.
        qemuImg("snapshot", "-c", "second", made.toString());
        assertThat(Files.size(made) % 8).as("file length mod 8, the last snapshot entry unpadded").isNotZero();
        Path expected = root.resolve("expected.raw");
        qemuImg("convert", "-f", "qcow2", "-O", "raw", made.toString(), expected.toString());

        Path storeRoot = root.resolve("store");
        UUID id = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(storeRoot);
                java.io.InputStream upload = Files.newInputStream(made)) {
            store.importImage(id, upload);
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            store.streamRaw(id, 0, store.describe(id).virtualSize(), read);
            assertThat(read.toByteArray()).isEqualTo(Files.readAllBytes(expected));
            assertThat(store.check(id).corruptions()).isEmpty();

            byte[] before = Files.readAllBytes(storeRoot.resolve(id + ".qcow2"));
            assertThatThrownBy(() -> store.write(id, 0, ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOf(ImageNotWritableException.class).hasMessageContaining("2 internal snapshots");
            assertThatThrownBy(() -> store.write(id, 3L << 20, ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOf(ImageNotWritableException.class);
            assertThat(Files.readAllBytes(storeRoot.resolve(id + ".qcow2"))).as("the file after refused writes")
                    .isEqualTo(before);

            // Safe as a base: a differencing image takes the writes, the base stays as it was.
            UUID child = UUID.randomUUID();
            store.createDifferencing(child, id);
            store.write(child, 0, ByteBuffer.wrap(new byte[] {7}));
            ByteBuffer first = ByteBuffer.allocate(2);
            store.read(child, 0, first);
            assertThat(first.array()).containsExactly(7, 0x11);
            assertThat(Files.readAllBytes(storeRoot.resolve(id + ".qcow2"))).isEqualTo(before);
        }
        assertCheckClean(storeRoot.resolve(id + ".qcow2"));
        Result snapshots = QemuTools.run("qemu-img", "snapshot", "-l", storeRoot.resolve(id + ".qcow2").toString());
        assertThat(snapshots.output()).contains("first").contains("second");
    }

    private Path raw(String name, byte[] content) throws IOException {
        return Files.write(root.resolve(name), content);
    }

    private Path file(UUID id) {
        return root.resolve(id + ".qcow2");
    }
}
