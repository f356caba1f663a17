package dev.diskfleet.domain;

/**
 * The request would leave the storage volume with less free space than the service keeps in reserve, or needs
 * more guest memory than the nodes have left: either way 507, nothing made.
 */
public class InsufficientStorageException extends DomainException {

    public InsufficientStorageException(String detail) {
        super("insufficient-storage", detail);
    }

    /** Another resource the request needs more of than is left ({@code insufficient-guest-memory}). */
    public InsufficientStorageException(String slug, String detail) {
        super(slug, detail);
    }
}
