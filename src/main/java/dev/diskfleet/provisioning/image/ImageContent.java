package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.storage.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** What an image holds: its bytes (the chain flattened), a standalone export, the file's consistency. */
@Service
public class ImageContent {

    private final ImageCatalog images;
    private final ImageStore store;
    private final ImageReaders readers;
    private final FreeSpace freeSpace;

    public ImageContent(ImageCatalog images, ImageStore store, ImageReaders readers, FreeSpace freeSpace) {
        this.images = images;
        this.freeSpace = freeSpace;
        this.store = store;
        this.readers = readers;
    }

    /** The image, refused with 409 when its file was missing at startup (VirtualBox: inaccessible). */
    public Image requireAccessible(UUID id) {
        Image image = images.require(id);
        if (image.getState() == ImageState.INACCESSIBLE) {
            throw new ConflictException("image-inaccessible", "the file of image " + id
                    + " was missing when the service started; restore " + id + "." + image.getFormat()
                    + " in the storage root and restart, or delete the image");
        }
        return image;
    }

    /**
     * The image, once an export may start: a VDI or qcow2 export is built as a temporary file in the storage
     * root, as large as what the chain holds, so it is refused (507) when that would eat the reserve.
     */
    public Image requireExportable(UUID id) {
        Image image = requireAccessible(id);
        freeSpace.require(freeSpace.copyEstimate(id), "export image " + id);
        return image;
    }

    public CheckReport check(UUID id) {
        requireAccessible(id);
        return store.check(id);
    }

    /** Bytes of the virtual disk, as the file says. */
    public long virtualSize(UUID id) {
        requireAccessible(id);
        return store.describe(id).virtualSize();
    }

    /** Streams {@code length} bytes of the flattened disk from {@code offset}; the image cannot be deleted meanwhile. */
    public void copyRawTo(UUID id, long offset, long length, OutputStream out) throws IOException {
        try (ImageReaders.Hold hold = readers.hold(id)) {
            store.streamRaw(id, offset, length, out);
        }
    }

    /** Streams a standalone image file of the flattened disk in {@code format}. */
    public void exportTo(UUID id, String format, OutputStream out) throws IOException {
        try (ImageReaders.Hold hold = readers.hold(id)) {
            store.export(id, format, out);
        }
    }
}
