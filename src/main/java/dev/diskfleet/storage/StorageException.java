package dev.diskfleet.storage;

/**
 * Root of the storage component's exception family. Every message names what was wrong and, where it
 * helps, what was expected, so the web layer can hand it to a person unchanged.
 */
public class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
