package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.provisioning.image.ImageCatalog;
import dev.diskfleet.provisioning.image.ImageLocations;
import dev.diskfleet.provisioning.image.ImageReaders;
import dev.diskfleet.storage.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * This node's immutable image files, served to the other nodes as stored, with the SHA-256 the receiver
 * checks its copy against. An immutable file never changes, so its digest is computed once (a read of the
 * whole file) and kept in its location row; every copy sent is digested again on the way out, and a digest
 * that no longer matches is forgotten, so one stale value costs one failed copy, not all of them.
 */
@Service
public class ImageFileSource {

    /** The response header with the file's SHA-256, lower-case hex. */
    public static final String DIGEST_HEADER = "X-Diskfleet-Content-Sha256";
    /** The response header with the file's format (vdi, qcow2, raw). */
    public static final String FORMAT_HEADER = "X-Diskfleet-Image-Format";

    private static final Logger LOG = LoggerFactory.getLogger(ImageFileSource.class);

    private final ImageCatalog images;
    private final ImageLocations locations;
    private final ImageReaders readers;
    private final ImageStore store;
    private final ReplicaMarkers markers;

    public ImageFileSource(ImageCatalog images, ImageLocations locations, ImageReaders readers, ImageStore store,
            ReplicaMarkers markers) {
        this.markers = markers;
        this.images = images;
        this.locations = locations;
        this.readers = readers;
        this.store = store;
    }

    /** A file as it is served: its image, format, length in bytes and SHA-256. */
    public record ServedFile(UUID imageId, String format, long length, String sha256) {
    }

    /**
     * What {@link #streamTo} will send for the image: refused (409) unless it is immutable and its file is
     * in this node's storage root.
     */
    public ServedFile describe(UUID imageId) {
        Image image = images.require(imageId);
        if (image.getType() != ImageType.IMMUTABLE) {
            throw new ConflictException("image-not-immutable", "image " + imageId + " is "
                    + image.getType().name().toLowerCase(java.util.Locale.ROOT) + "; only an immutable image's file"
                    + " is served to other nodes, since only it never changes");
        }
        if (!store.exists(imageId)) {
            throw new ConflictException("image-not-on-node", "node " + locations.localNode()
                    + " holds no file of image " + imageId + "; it is on " + locations.of(imageId));
        }
        // From now on another node may hold the image too, and may be the one that deletes it.
        markers.mark(imageId);
        String digest = locations.digestHere(imageId).orElseGet(() -> {
            String computed = digestOfFile(imageId);
            locations.rememberDigestHere(imageId, computed);
            return computed;
        });
        return new ServedFile(imageId, image.getFormat(), store.fileLength(imageId), digest);
    }

    /** Streams the file as stored; the image cannot be deleted meanwhile. */
    public void streamTo(ServedFile file, OutputStream out) throws IOException {
        try (ImageReaders.Hold hold = readers.hold(file.imageId())) {
            DigestOutputStream digesting = new DigestOutputStream(out, Sha256.digest());
            store.streamFile(file.imageId(), digesting);
            digesting.flush();
            String sent = Sha256.hex(digesting.getMessageDigest().digest());
            if (!sent.equals(file.sha256())) {
                LOG.warn("image {}'s file has SHA-256 {} but {} was kept for it; the kept digest is forgotten and"
                        + " the receiver refuses this copy", file.imageId(), sent, file.sha256());
                locations.rememberDigestHere(file.imageId(), null);
            }
        }
    }

    private String digestOfFile(UUID imageId) {
        try (ImageReaders.Hold hold = readers.hold(imageId)) {
            DigestOutputStream digesting = new DigestOutputStream(OutputStream.nullOutputStream(), Sha256.digest());
            store.streamFile(imageId, digesting);
            return Sha256.hex(digesting.getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("reading image " + imageId + "'s file for its digest", e);
        }
    }
}
