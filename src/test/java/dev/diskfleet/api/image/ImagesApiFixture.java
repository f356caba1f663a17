package dev.diskfleet.api.image;

import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import static dev.diskfleet.support.DiskfleetClient.body;

import dev.diskfleet.provisioning.image.ImageProvisioning;
import dev.diskfleet.support.FullStackTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What every full-stack images test stands on: a client of the running service, its store and table,
 * and disks to feed it. Subclasses add the tests (and, for PostgreSQL, the context annotations).
 */
abstract class ImagesApiFixture extends FullStackTest {

    static final int MIB = 1 << 20;

    @Autowired
    ImageRepository rows;
    @Autowired
    ImageProvisioning provisioning;
    @TempDir
    Path work;

    /** Names in this test start with it, so filters find only this test's images in the shared context. */
    String prefix;

    @BeforeEach
    void namePrefix() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** The ids of every image row: a leftover check compares these, not counts, so a swap shows too. */
    Set<UUID> rowIds() {
        return rows.findAll().stream().map(Image::getId).collect(Collectors.toSet());
    }

    String createBlank(String name, String type) {
        return api.post("/api/images", body("name", name, "sizeBytes", 16 * MIB, "type", type)).expect(201)
                .json().path("id").asString();
    }

    /** A differencing image without a machine (attaching an immutable image makes one over HTTP). */
    String createChild(String parentId, String name) {
        UUID id = UUID.randomUUID();
        var file = store.createDifferencing(id, UUID.fromString(parentId));
        provisioning.record(id, () -> Image.differencing(file, rows.findById(UUID.fromString(parentId)).orElseThrow(),
                name, null, false));
        return id.toString();
    }

    Path randomDisk(int size) throws IOException {
        byte[] bytes = new byte[size];
        Random random = new Random(size);
        // Data in the first third and one sector at the end; the rest stays zero, as on a real disk.
        byte[] data = randomBytes(size / 3, size);
        System.arraycopy(data, 0, bytes, 0, data.length);
        for (int i = size - 512; i < size; i++) {
            bytes[i] = (byte) random.nextInt();
        }
        Path file = work.resolve("disk-" + UUID.randomUUID() + ".raw");
        Files.write(file, bytes);
        return file;
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    Set<String> filesInStorageRoot() {
        try (Stream<Path> files = Files.list(storageRoot())) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A copy of an image file with one header field changed, for hostile uploads. */
    static byte[] withInt(byte[] file, ByteOrder order, int offset, int value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(order).putInt(offset, value);
        return copy;
    }

    static byte[] withLong(byte[] file, ByteOrder order, int offset, long value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(order).putLong(offset, value);
        return copy;
    }
}
