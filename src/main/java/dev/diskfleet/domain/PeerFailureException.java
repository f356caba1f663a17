package dev.diskfleet.domain;

/**
 * Another node of the cluster failed to deliver what this one asked it for (it was unreachable, refused,
 * or sent bytes that do not match their digest); the detail names the node and what went wrong.
 */
public class PeerFailureException extends DomainException {

    public PeerFailureException(String slug, String detail) {
        super(slug, detail);
    }
}
