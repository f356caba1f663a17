package dev.diskfleet.hypervisor.seed;

/** A seed image could not be written: the tool is missing, failed or hung, or the folder is not writable. */
public class SeedImageException extends RuntimeException {

    public SeedImageException(String message) {
        super(message);
    }

    public SeedImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
