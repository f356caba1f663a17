package dev.diskfleet.provisioning.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which files of this node's storage root other nodes hold too: an empty file per image in
 * {@code <data dir>/replicas}, made before a copy fetched from another node is published, and when this
 * node first serves its own file to another. When the image is deleted (on any node, by any path) its rows
 * go, and only this mark tells this node that the file left behind is one it may remove, not a file someone
 * put there by hand (those are reported as orphans, never removed).
 */
@Component
class ReplicaMarkers {

    private final Path folder;

    ReplicaMarkers(@Value("${diskfleet.data-dir}") Path dataDir) {
        this.folder = dataDir.resolve("replicas");
    }

    void mark(UUID imageId) {
        try {
            Files.createDirectories(folder);
            Path mark = folder.resolve(imageId.toString());
            if (!Files.exists(mark)) {
                Files.createFile(mark);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("marking image " + imageId + " as a copy in " + folder, e);
        }
    }

    void unmark(UUID imageId) {
        try {
            Files.deleteIfExists(folder.resolve(imageId.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("unmarking image " + imageId + " in " + folder, e);
        }
    }

    List<UUID> marked() {
        List<UUID> ids = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return ids;
        }
        try (DirectoryStream<Path> marks = Files.newDirectoryStream(folder)) {
            for (Path mark : marks) {
                try {
                    ids.add(UUID.fromString(mark.getFileName().toString()));
                } catch (IllegalArgumentException notOurs) {
                    // a file that is no mark of ours: left alone
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + folder, e);
        }
        return ids;
    }
}
