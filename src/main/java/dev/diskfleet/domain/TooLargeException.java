package dev.diskfleet.domain;

/** A request asks to move more data at once than the service accepts. */
public class TooLargeException extends DomainException {

    public TooLargeException(String slug, String detail) {
        super(slug, detail);
    }
}
