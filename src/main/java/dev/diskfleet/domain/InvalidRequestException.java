package dev.diskfleet.domain;

/** The request itself is wrong (an unknown format, a malformed range), whatever the state. */
public class InvalidRequestException extends DomainException {

    public InvalidRequestException(String slug, String detail) {
        super(slug, detail);
    }
}
