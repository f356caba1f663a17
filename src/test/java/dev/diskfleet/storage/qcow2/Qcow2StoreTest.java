package dev.diskfleet.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.Variant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qcow2 through the store's front door: uploads, backing files, differencing images, export. */
class Qcow2StoreTest {

    @TempDir
    Path work;

    @Test
    void anUploadedQcow2ThatNamesABackingFileIsRefusedAndLeavesNothingBehind() throws IOException {
        Path overlay = Qcow2Fixtures.overlay(Files.createDirectories(work.resolve("fixtures")), 16);
        Path root = work.resolve("store");
        try (ImageStore store = ImageStore.withDefaultFormats(root); InputStream upload = Files.newInputStream(overlay)) {
            UUID id = UUID.randomUUID();
            assertThatThrownBy(() -> store.importImage(id, upload)).isInstanceOf(ImageFormatException.class)
                    .hasMessageContaining("the uploaded qcow2 image names a parent or backing file");
            assertThat(store.exists(id)).isFalse();
            try (Stream<Path> left = Files.list(root)) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void anUploadedStandaloneQcow2IsDetectedByItsMagicAndReadsLikeTheFile() throws IOException {
        Path fixtures = Files.createDirectories(work.resolve("fixtures"));
        Path base = Qcow2Fixtures.base(fixtures, 16);
        byte[] content;
        try (ImageFile file = new Qcow2Format().open(base, false)) {
            ByteBuffer all = ByteBuffer.allocate((int) file.virtualSize());
            new dev.diskfleet.storage.Chain(List.of(file)).read(0, all);
            content = all.array();
        }
        try (ImageStore store = ImageStore.withDefaultFormats(work.resolve("store"));
                InputStream upload = Files.newInputStream(base)) {
            UUID id = UUID.randomUUID();
            assertThat(store.importImage(id, upload).format()).isEqualTo("qcow2");
            ByteBuffer seen = ByteBuffer.allocate(content.length);
            store.read(id, 0, seen);
            assertThat(Arrays.mismatch(seen.array(), content)).isEqualTo(-1);
            assertThat(content[Qcow2Fixtures.COMPRESSED_UNIT << 16]).isEqualTo((byte) 'c');
            assertThat(store.check(id).isClean()).isTrue();
        }
    }

    @Test
    void aBackingFileNameThatLeavesTheStorageRootIsRefused() throws IOException {
        Path root = work.resolve("store");
        UUID id = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            store.create(base, "qcow2", 1 << 20, Variant.DYNAMIC);
            store.createDifferencing(id, base);
            Files.copy(root.resolve(base + ".qcow2"), work.resolve(base + ".qcow2"));
        }
        Path overlay = root.resolve(id + ".qcow2");
        renameBackingFile(overlay, "../" + readBackingFileName(overlay));
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            assertThatThrownBy(() -> store.read(id, 0, ByteBuffer.allocate(512))).isInstanceOf(ChainException.class)
                    .hasMessageContaining("which is not a plain file name inside the storage root");
        }
    }

    @Test
    void aDifferencingImageOfAQcow2ImageIsQcow2AndExportsAsAStandaloneQcow2() throws IOException {
        try (ImageStore store = ImageStore.withDefaultFormats(work.resolve("store"))) {
            UUID base = UUID.randomUUID();
            UUID child = UUID.randomUUID();
            store.create(base, "qcow2", 2 << 20, Variant.DYNAMIC);
            store.write(base, 0, ByteBuffer.wrap("golden".getBytes(StandardCharsets.US_ASCII)));
            assertThat(store.createDifferencing(child, base).format()).isEqualTo("qcow2");
            store.write(child, 3, ByteBuffer.wrap("DEN".getBytes(StandardCharsets.US_ASCII)));

            ByteArrayOutputStream exported = new ByteArrayOutputStream();
            store.export(child, "qcow2", exported);
            Path file = Files.write(work.resolve("exported.qcow2"), exported.toByteArray());
            try (ImageFile standalone = new Qcow2Format().open(file, false)) {
                assertThat(standalone.parentLink()).isEmpty();
                ByteBuffer head = ByteBuffer.allocate(6);
                standalone.read(0, head);
                assertThat(new String(head.array(), StandardCharsets.US_ASCII)).isEqualTo("golDEN");
            }
        }
    }

    @Test
    void aPreallocatedQcow2IsRefusedWithAClearMessage() {
        try (ImageStore store = ImageStore.withDefaultFormats(work.resolve("store"))) {
            assertThatThrownBy(() -> store.create(UUID.randomUUID(), "qcow2", 1 << 20, Variant.FIXED))
                    .isInstanceOf(StorageException.class).hasMessageContaining("always created dynamic");
        }
    }

    private static String readBackingFileName(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(20);
            channel.read(header, 0);
            ByteBuffer name = ByteBuffer.allocate(header.getInt(16));
            channel.read(name, header.getLong(8));
            return new String(name.array(), StandardCharsets.UTF_8);
        }
    }

    /** Rewrites the backing file name in place, as a hostile uploader's tool would. */
    private static void renameBackingFile(Path file, String name) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(20);
            channel.read(header, 0);
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            channel.write(ByteBuffer.wrap(bytes), header.getLong(8));
            channel.write(ByteBuffer.allocate(4).putInt(0, bytes.length), 16);
        }
    }
}
