package dev.diskfleet.domain;

/** A well-formed byte range that does not fit the content; carries the size so the answer can name it. */
public class RangeNotSatisfiableException extends DomainException {

    private final long size;

    public RangeNotSatisfiableException(String detail, long size) {
        super("range-not-satisfiable", detail);
        this.size = size;
    }

    /** Bytes of the content the range was asked of. */
    public long size() {
        return size;
    }
}
