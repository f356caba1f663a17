package dev.diskfleet.domain;

/** The request would leave the storage volume with less free space than the service keeps in reserve. */
public class InsufficientStorageException extends DomainException {

    public InsufficientStorageException(String detail) {
        super("insufficient-storage", detail);
    }
}
