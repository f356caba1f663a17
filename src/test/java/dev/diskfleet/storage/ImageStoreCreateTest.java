package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreCreateTest {

    @TempDir
    Path root;

    @Test
    void aNewImageIsSummarisedAsTheStoreDescribesItWhenReopened() {
        UUID base = UUID.randomUUID();
        UUID middle = UUID.randomUUID();
        UUID top = UUID.randomUUID();
        ImageSummary baseMade;
        ImageSummary middleMade;
        ImageSummary topMade;
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            baseMade = store.create(base, "vdi", 8L << 20, Variant.DYNAMIC);
            store.write(base, 3 << 20, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            middleMade = store.createDifferencing(middle, base);
            topMade = store.createDifferencing(top, middle);
        }
        try (ImageStore reopened = ImageStore.withDefaultFormats(root)) {
            // An empty dynamic VDI is its 512-byte header sector and an 8-entry block map (32 bytes), the
            // data area starting at the next 4 KiB boundary (VdiFormat.DATA_ALIGNMENT): 4096 bytes.
            assertThat(baseMade).isEqualTo(new ImageSummary(base, "vdi", Variant.DYNAMIC, 8L << 20,
                    4096, null, 1));
            // The 3-byte write allocated one whole 1 MiB block after those 4096 bytes.
            assertThat(reopened.describe(base).allocatedBytes()).isEqualTo(4096 + (1L << 20))
                    .isEqualTo(fileSize(base + ".vdi"));
            assertThat(middleMade).isEqualTo(reopened.describe(middle));
            assertThat(topMade).isEqualTo(reopened.describe(top));
            assertThat(topMade.parentId()).isEqualTo(middle);
            assertThat(topMade.depth()).isEqualTo(3);
        }
    }

    @Test
    void importedAndClonedRawImagesAreSummarisedUnderTheirNewIds() {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID imported = UUID.randomUUID();
            byte[] disk = new byte[3 << 20];
            disk[12345] = 42;

            ImageSummary importedMade = store.importImage(imported, new ByteArrayInputStream(disk));
            UUID cloned = UUID.randomUUID();
            ImageSummary clonedMade = store.clone(imported, cloned, "raw", Variant.DYNAMIC, Progress.NONE);

            assertThat(importedMade).isEqualTo(store.describe(imported));
            // A raw image is the disk byte for byte: its file is as long as what was uploaded.
            assertThat(importedMade.allocatedBytes()).isEqualTo(disk.length).isEqualTo(fileSize(imported + ".raw"));
            assertThat(clonedMade.allocatedBytes()).isEqualTo(disk.length).isEqualTo(fileSize(cloned + ".raw"));
            assertThat(importedMade.id()).isEqualTo(imported);
            assertThat(clonedMade).isEqualTo(store.describe(cloned));
            assertThat(clonedMade.id()).isEqualTo(cloned);
        }
    }

    private long fileSize(String name) {
        try {
            return Files.size(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
