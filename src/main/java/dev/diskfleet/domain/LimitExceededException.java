package dev.diskfleet.domain;

/** What the request would make exceeds a configured limit (such as the largest virtual disk). */
public class LimitExceededException extends DomainException {

    public LimitExceededException(String slug, String detail) {
        super(slug, detail);
    }
}
