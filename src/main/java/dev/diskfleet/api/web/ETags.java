package dev.diskfleet.api.web;

import dev.diskfleet.domain.ExpectedVersion;

/**
 * Strong ETags from an entity's JPA {@code @Version}: the version changes with every update, so
 * {@code If-Match} with an old ETag is refused with 412 instead of losing someone's change.
 */
public final class ETags {

    private ETags() {
    }

    public static String of(long version) {
        return IfMatch.etag(version);
    }

    /** The client's {@code If-Match} header (null when absent) as the expectation the services check. */
    public static ExpectedVersion ifMatch(String header) {
        return IfMatch.parse(header);
    }
}
