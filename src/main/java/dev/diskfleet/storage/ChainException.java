package dev.diskfleet.storage;

/** A differencing chain whose links do not hold: wrong parent, a parent changed behind its child, a loop. */
public class ChainException extends StorageException {

    public ChainException(String message) {
        super(message);
    }
}
