package dev.diskfleet.domain;

/** The resource a request names does not exist. */
public class NotFoundException extends DomainException {

    public NotFoundException(String what, Object id) {
        super("not-found", what + " " + id + " does not exist");
    }
}
