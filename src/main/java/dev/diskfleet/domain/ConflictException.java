package dev.diskfleet.domain;

/**
 * The request is valid but the current state forbids it (an image in use, a running machine, a busy
 * fleet); the detail names whatever holds the resource, so the client knows what to change first.
 */
public class ConflictException extends DomainException {

    public ConflictException(String slug, String detail) {
        super(slug, detail);
    }
}
