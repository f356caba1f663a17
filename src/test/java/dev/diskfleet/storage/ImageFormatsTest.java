package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFormatsTest {

    @Test
    void registeredDriversAreFoundInProbeOrderWithRawLast() {
        assertThat(ImageFormats.installed()).extracting(ImageFormat::name).containsExactly("vdi", "qcow2", "raw");
    }

    @Test
    void anUploadNoDriverWithMagicRecognisesIsStoredAsRaw(@TempDir Path root) {
        byte[] bytes = new byte[4096];
        bytes[100] = 42;
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID id = UUID.randomUUID();
            ImageSummary stored = store.importImage(id, new ByteArrayInputStream(bytes));
            assertThat(stored.format()).isEqualTo("raw");
            assertThat(stored.virtualSize()).isEqualTo(4096);
        }
    }
}
