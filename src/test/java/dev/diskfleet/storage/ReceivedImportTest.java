package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file streamed as stored and imported elsewhere under a last check: refused, it leaves nothing behind. */
class ReceivedImportTest {

    @TempDir
    Path source;
    @TempDir
    Path target;

    @Test
    void aFileStreamedAsStoredImportsUnderTheSameIdWithItsData() throws IOException {
        UUID id = UUID.randomUUID();
        byte[] file = storedFile(id);
        try (ImageStore there = ImageStore.withDefaultFormats(target)) {
            ImageSummary copy = there.importImage(id, new ByteArrayInputStream(file), () -> { });
            assertThat(copy.id()).isEqualTo(id);
            assertThat(copy.format()).isEqualTo("vdi");
            ByteBuffer first = ByteBuffer.allocate(6);
            there.read(id, 0, first);
            assertThat(new String(first.array())).isEqualTo("MARKER");
        }
    }

    @Test
    void aCheckThatRefusesTheReceivedFileLeavesNoFileAndNoTemporaryFile() throws IOException {
        UUID id = UUID.randomUUID();
        byte[] file = storedFile(id);
        try (ImageStore there = ImageStore.withDefaultFormats(target)) {
            assertThatThrownBy(() -> there.importImage(id, new ByteArrayInputStream(file), () -> {
                throw new IllegalStateException("digest mismatch");
            })).isInstanceOf(IllegalStateException.class).hasMessage("digest mismatch");
            assertThat(there.listImageIds()).isEmpty();
        }
        try (Stream<Path> left = Files.list(target)) {
            assertThat(left.filter(path -> !path.getFileName().toString().startsWith(".diskfleet-root")))
                    .as("files left in the storage root").isEmpty();
        }
    }

    private byte[] storedFile(UUID id) throws IOException {
        try (ImageStore here = ImageStore.withDefaultFormats(source)) {
            here.create(id, "vdi", 4 << 20, Variant.DYNAMIC);
            here.write(id, 0, ByteBuffer.wrap("MARKER".getBytes()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            here.streamFile(id, out);
            assertThat((long) out.size()).isEqualTo(here.fileLength(id));
            return out.toByteArray();
        }
    }
}
