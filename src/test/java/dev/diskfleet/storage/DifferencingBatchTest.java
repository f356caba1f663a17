package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Differencing images made in one batch, as a fleet's members get their disks: all of them or none. */
class DifferencingBatchTest {

    private static final long SIZE = 8L << 20;

    @TempDir
    Path root;

    @Test
    void everyImageOfABatchReadsItsParentAndKeepsItsOwnWrites() {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            store.create(base, "vdi", SIZE, Variant.DYNAMIC);
            byte[] golden = new byte[1 << 20];
            new Random(5).nextBytes(golden);
            store.write(base, 3 << 20, ByteBuffer.wrap(golden));
            List<UUID> ids = IntStream.range(0, 20).mapToObj(i -> UUID.randomUUID()).toList();

            List<ImageSummary> made = store.createDifferencing(ids, base);

            assertThat(made).extracting(ImageSummary::id).containsExactlyElementsOf(ids);
            assertThat(made).allSatisfy(image -> {
                assertThat(image.parentId()).isEqualTo(base);
                assertThat(image.virtualSize()).isEqualTo(SIZE);
            });
            store.write(ids.get(7), 3 << 20, ByteBuffer.wrap(new byte[] {9}));
            for (UUID id : ids) {
                ByteBuffer seen = ByteBuffer.allocate(golden.length);
                store.read(id, 3 << 20, seen);
                byte[] expected = golden.clone();
                if (id.equals(ids.get(7))) {
                    expected[0] = 9;
                }
                assertThat(seen.array()).as("image %s", id).isEqualTo(expected);
            }
            assertThat(store.listImageIds()).containsAll(ids).contains(base).hasSize(ids.size() + 1);
            assertThat(temporaryFiles()).isEmpty();
        }
    }

    /** The batch describes its images from the files it built, without opening them again: it must say what they are. */
    @ParameterizedTest
    @ValueSource(strings = {"vdi", "qcow2"})
    void whatABatchSaysOfEachImageIsWhatItsFileSaysOnceOpenedAgain(String format) {
        List<UUID> ids = IntStream.range(0, 6).mapToObj(i -> UUID.randomUUID()).toList();
        List<ImageSummary> made;
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            store.create(base, format, SIZE, Variant.DYNAMIC);
            store.write(base, 1 << 20, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            UUID middle = UUID.randomUUID();
            store.createDifferencing(middle, base);

            made = store.createDifferencing(ids, middle);

            assertThat(made).allSatisfy(image -> {
                assertThat(image.format()).isEqualTo(format);
                assertThat(image.parentId()).isEqualTo(middle);
                assertThat(image.depth()).isEqualTo(3);
            });
        }
        try (ImageStore reopened = ImageStore.withDefaultFormats(root)) {
            assertThat(made).isEqualTo(ids.stream().map(reopened::describe).toList());
        }
    }

    @Test
    void aBatchWithOneImageThatCannotBeBuiltPublishesNoneAndLeavesNoTemporaryFile() throws IOException {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            store.create(base, "vdi", SIZE, Variant.DYNAMIC);
            List<UUID> ids = IntStream.range(0, 10).mapToObj(i -> UUID.randomUUID()).toList();
            // a folder where the sixth image's temporary file would go makes its build fail
            Files.createDirectory(root.resolve("." + ids.get(5) + ".vdi.tmp"));

            assertThatThrownBy(() -> store.createDifferencing(ids, base)).isInstanceOf(StorageException.class);

            assertThat(store.listImageIds()).containsExactly(base);
            assertThat(ids).noneMatch(store::exists);
            assertThat(temporaryFiles()).isEmpty();
        }
    }

    @Test
    void aBatchNamingAnExistingImageIsRefusedBeforeAnyFileIsMade() {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            store.create(base, "vdi", SIZE, Variant.DYNAMIC);
            UUID taken = UUID.randomUUID();
            store.createDifferencing(taken, base);
            UUID fresh = UUID.randomUUID();

            assertThatThrownBy(() -> store.createDifferencing(List.of(fresh, taken), base))
                    .isInstanceOf(StorageException.class).hasMessageContaining(taken + " already exists");

            assertThat(store.exists(fresh)).isFalse();
            assertThat(store.listImageIds()).containsExactlyInAnyOrder(base, taken);
        }
    }

    private List<Path> temporaryFiles() {
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
