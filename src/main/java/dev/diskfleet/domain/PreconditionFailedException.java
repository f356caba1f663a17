package dev.diskfleet.domain;

/** The client's expected version (its If-Match) is not the current one: someone changed the resource. */
public class PreconditionFailedException extends DomainException {

    public PreconditionFailedException(String detail) {
        super("stale-etag", detail);
    }
}
