package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listing's figure comes without opening the file: a store that never opened the image reads its length. */
class StoredBytesTest {

    @TempDir
    Path root;

    @Test
    void anImageNotOpenIsMeasuredByItsFileLengthAndStaysClosed() throws Exception {
        UUID id = UUID.randomUUID();
        try (ImageStore maker = ImageStore.withDefaultFormats(root)) {
            maker.create(id, "vdi", 8L << 40, Variant.DYNAMIC);
        }
        Path file = root.resolve(id + ".vdi");
        try (ImageStore lister = ImageStore.withDefaultFormats(root)) {
            assertThat(lister.storedBytes(id)).isEqualTo(Files.size(file));
            assertThat(lister.isOpen(id)).as("the listing opened the file").isFalse();
            long exact = lister.describe(id).allocatedBytes();
            assertThat(lister.storedBytes(id)).as("once open, the open image's own figure").isEqualTo(exact);
        }
    }
}
