package dev.diskfleet.storage;

import java.util.UUID;

/** No file in the store carries this image's UUID. */
public class ImageNotFoundException extends StorageException {

    public ImageNotFoundException(UUID id) {
        super("no image file for " + id + " in the storage root");
    }
}
