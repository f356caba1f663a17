package dev.diskfleet.api.security;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackTest;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * Guest disks hold whatever their guests wrote: after an upload, a clone, a fleet and an export, every file
 * under the data folder is 0600 and every folder 0700, although this JVM's umask (022) would make them
 * 0644 and 0755.
 */
class PrivateFilesTest extends FullStackTest {

    @Value("${diskfleet.data-dir}")
    Path dataDir;

    @Test
    void everyFileTheServiceKeepsIsReadableByItsOwnUserOnly() throws IOException {
        String upload = api.upload("POST", "/api/images/uploads?name=" + unique("private-upload"),
                BodyPublishers.ofByteArray(pattern(1, 1 << 20)), "Content-Type", "application/octet-stream")
                .expect(201).json().path("id").asString();
        api.awaitOperation(api.post("/api/images/" + upload + "/clone", body("name", unique("private-clone")))
                .expect(202).header("Location").orElseThrow());
        UUID golden = goldenImage(pattern(2, 4096));
        String prefix = unique("private");
        api.awaitOperation(api.post("/api/fleets", body("name", prefix, "goldenImageId", golden.toString(),
                "size", 2, "machineNamePrefix", prefix)).expect(202).header("Location").orElseThrow());
        api.postEmpty("/api/images/" + upload + "/exports").expect(201);

        assertThat(mode(dataDir)).as("the data folder").isEqualTo("rwx------");
        assertThat(notPrivate(dataDir)).as("files not 0600 and folders not 0700 under the data folder").isEmpty();
        assertThat(storageFiles()).as("the storage root holds the images made").anyMatch(f -> f.startsWith(upload));
    }

    private static List<String> notPrivate(Path root) throws IOException {
        List<String> loose = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                try {
                    String expected = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
                    String actual = mode(path);
                    if (!actual.equals(expected)) {
                        loose.add(root.relativize(path) + " " + actual);
                    }
                } catch (NoSuchFileException gone) {
                    // removed while walking (a temporary file): nothing left to read
                }
            }
        }
        return loose;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
