package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
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
            assertThat(baseMade).isEqualTo(new ImageSummary(base, "vdi", Variant.DYNAMIC, 8L << 20,
                    baseMade.allocatedBytes(), null, 1));
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
            assertThat(importedMade.id()).isEqualTo(imported);
            assertThat(clonedMade).isEqualTo(store.describe(cloned));
            assertThat(clonedMade.id()).isEqualTo(cloned);
        }
    }
}
