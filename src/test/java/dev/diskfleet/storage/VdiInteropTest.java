package dev.diskfleet.storage;

import static dev.diskfleet.support.QemuTools.assertCheckClean;
import static dev.diskfleet.support.QemuTools.assertIdentical;
import static dev.diskfleet.support.QemuTools.qemuImg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.diskfleet.storage.vdi.VdiFormat;
import dev.diskfleet.support.QemuTools;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our VDI files judged by {@code qemu-img}, and QEMU's VDI files read by us. {@code qemu-img} refuses
 * differencing VDIs (non-null link UUID), so chains are judged through their flattened clones.
 */
class VdiInteropTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path root;
    @TempDir
    Path work;

    private ImageStore store;

    @BeforeEach
    void setUp() {
        store = ImageStore.withDefaultFormats(root);
        QemuTools.require("qemu-img");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static Stream<Arguments> ourImages() {
        return Stream.of(
                arguments(Variant.DYNAMIC, 6 * MIB + 1536),
                arguments(Variant.FIXED, 5 * MIB + 5 * 512),
                // Not a multiple of 512: QEMU rounds the size up and reads the padding as zeros.
                arguments(Variant.DYNAMIC, 7 * MIB + 1234));
    }

    /** Judged by: {@code qemu-img info}, {@code qemu-img check}, {@code qemu-img compare}. */
    @ParameterizedTest(name = "{0} image of {1} bytes")
    @MethodSource("ourImages")
    void vdiWrittenByUsPassesQemuImgCheckAndComparesIdenticalToTheBytesWeWrote(Variant variant, long size)
            throws Exception {
        UUID id = UUID.randomUUID();
        store.create(id, "vdi", size, variant);
        DiskModel model = new DiskModel(size);
        RandomWrites writes = new RandomWrites(new Random(size), size);
        for (int i = 0; i < 30; i++) {
            model.write(store, id, writes.next());
        }
        store.close();
        Path vdi = root.resolve(id + ".vdi");

        String info = qemuImg("info", "--output=json", vdi.toString());
        assertThat(info).contains("\"format\": \"vdi\"")
                .contains("\"virtual-size\": " + roundUpToSector(size));
        assertCheckClean(vdi);
        assertIdentical(vdi, model.writeRaw(work.resolve("expected.raw")));
    }

    /** Judged by: our reads against the raw file {@code qemu-img convert -O vdi} started from. */
    @ParameterizedTest(name = "static={0}")
    @ValueSource(booleans = {false, true})
    void vdiThatQemuImgConvertWritesReadsByteIdenticalToItsRawSource(boolean preallocated) throws Exception {
        long size = 6 * MIB + 9 * 512;
        DiskModel model = sparseContent(size, new Random(preallocated ? 11 : 12));
        Path source = model.writeRaw(work.resolve("source.raw"));
        Path converted = work.resolve("converted.vdi");
        qemuImg(preallocated
                ? new String[] {"convert", "-f", "raw", "-O", "vdi", "-o", "static=on", source.toString(), converted.toString()}
                : new String[] {"convert", "-f", "raw", "-O", "vdi", source.toString(), converted.toString()});
        byte[] asQemuWroteIt = Files.readAllBytes(converted);

        try (ImageFile image = new VdiFormat().open(converted, false); Chain chain = new Chain(List.of(image))) {
            assertThat(image.variant()).isEqualTo(preallocated ? Variant.FIXED : Variant.DYNAMIC);
            assertThat(image.virtualSize()).isEqualTo(size);
            assertThat(image.check().isClean()).isTrue();
            for (long pos = 0; pos < size; pos += MIB) {
                ByteBuffer seen = ByteBuffer.allocate((int) Math.min(MIB, size - pos));
                chain.read(pos, seen);
                model.assertSame(seen.array(), pos, "qemu-written " + converted.getFileName());
            }
        }
        assertThat(Files.readAllBytes(converted)).as("a read-only open changes nothing").isEqualTo(asQemuWroteIt);

        UUID id = UUID.randomUUID();
        try (InputStream upload = Files.newInputStream(converted)) {
            store.importImage(id, upload);
        }
        model.assertReads(store, id);
        assertThat(store.check(id).isClean()).isTrue();

        // Our writes into QEMU's layout (384-byte header, data right after the map) stay valid for QEMU.
        RandomWrites writes = new RandomWrites(new Random(13), size);
        for (int i = 0; i < 10; i++) {
            model.write(store, id, writes.next());
        }
        store.close();
        Path imported = root.resolve(id + ".vdi");
        assertCheckClean(imported);
        assertIdentical(imported, model.writeRaw(work.resolve("expected.raw")));
    }

    /** Judged by: {@code qemu-img check} and {@code qemu-img compare} on the clone and on an export. */
    @ParameterizedTest(name = "clone {0}")
    @EnumSource(Variant.class)
    void flattenedCloneOfAThreeDeepChainPassesQemuImgCheckAndCompare(Variant variant) throws Exception {
        long size = 7 * MIB + 2048;
        RandomWrites writes = new RandomWrites(new Random(21 + variant.ordinal()), size);
        UUID base = UUID.randomUUID();
        store.create(base, "vdi", size, Variant.DYNAMIC);
        DiskModel model = new DiskModel(size);
        for (int i = 0; i < 10; i++) {
            model.write(store, base, writes.next());
        }
        UUID mid = UUID.randomUUID();
        store.createDifferencing(mid, base);
        for (int i = 0; i < 10; i++) {
            model.write(store, mid, writes.next());
        }
        model.write(store, mid, writes.wholeBlock(true));
        UUID top = UUID.randomUUID();
        store.createDifferencing(top, mid);
        for (int i = 0; i < 10; i++) {
            model.write(store, top, writes.next());
        }
        model.write(store, top, writes.wholeBlock(true));

        UUID clone = UUID.randomUUID();
        store.clone(top, clone, "vdi", variant, Progress.NONE);
        Path expected = model.writeRaw(work.resolve("expected.raw"));
        Path exported = work.resolve("exported.vdi");
        try (OutputStream out = Files.newOutputStream(exported)) {
            store.export(top, "vdi", out);
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        store.export(top, "raw", raw);
        store.close();

        for (Path flattened : List.of(root.resolve(clone + ".vdi"), exported)) {
            assertCheckClean(flattened);
            assertIdentical(flattened, expected);
        }
        model.assertSame(raw.toByteArray(), 0, "raw export of " + top);
        assertThat(raw.size()).isEqualTo(size);
    }

    /** Some blocks full, some empty, some with a few bytes, and a short last block. */
    private static DiskModel sparseContent(long size, Random random) {
        DiskModel model = new DiskModel(size);
        byte[] full = new byte[(int) MIB];
        random.nextBytes(full);
        model.write(0, full);
        model.write(2 * MIB + 4096, new byte[] {1, 2, 3, 4});
        random.nextBytes(full);
        model.write(3 * MIB + 700, full);
        byte[] tail = new byte[9 * 512 - 100];
        random.nextBytes(tail);
        model.write(size - tail.length, tail);
        return model;
    }

    private static long roundUpToSector(long size) {
        return (size + 511) / 512 * 512;
    }
}
