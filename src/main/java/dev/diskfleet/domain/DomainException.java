package dev.diskfleet.domain;

/**
 * A rule of the domain refused a request. Each carries a stable slug (such as {@code image-in-use})
 * that clients match on; the HTTP layer maps each subclass to one status and problem type, once.
 */
public abstract class DomainException extends RuntimeException {

    private final String slug;

    protected DomainException(String slug, String detail) {
        super(detail);
        this.slug = slug;
    }

    /** The stable name of what went wrong; the problem type URI ends with it. */
    public String slug() {
        return slug;
    }
}
