package dev.diskfleet.storage;

/** A file that is not a valid image of the format it claims: malformed, truncated or hostile. */
public class ImageFormatException extends StorageException {

    public ImageFormatException(String message) {
        super(message);
    }
}
