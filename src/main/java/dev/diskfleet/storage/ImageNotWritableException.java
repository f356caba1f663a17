package dev.diskfleet.storage;

/**
 * A write into an image that can be read but must not be changed, refused before any byte is written:
 * a qcow2 file with internal snapshots, whose clusters those snapshots share. The image stays valid as a
 * base (differencing images on it take the writes); the caller may map this to a conflict.
 */
public class ImageNotWritableException extends StorageException {

    public ImageNotWritableException(String message) {
        super(message);
    }
}
