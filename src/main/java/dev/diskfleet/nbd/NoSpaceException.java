package dev.diskfleet.nbd;

/**
 * Thrown by a {@link BlockDevice} that refuses a write for want of space (the volume is full, or writing
 * would leave less free than the service keeps): the client gets {@code ENOSPC}, not {@code EIO}.
 */
public class NoSpaceException extends RuntimeException {

    public NoSpaceException(String message) {
        super(message);
    }
}
