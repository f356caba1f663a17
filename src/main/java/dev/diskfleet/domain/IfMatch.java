package dev.diskfleet.domain;

/**
 * A client's {@code If-Match}: the versions (ETags) it expects a resource to be at. A row's
 * {@code @Version} changes with every update, so an old tag is refused instead of losing someone's change.
 * Null or {@code *} accepts any version; a weak tag ({@code W/"4"}) matches none.
 */
public record IfMatch(String header) {

    public static final IfMatch ANY = new IfMatch(null);

    /** The strong ETag of a version: the version number in quotes. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** Refuses the change when the current version is not one the client named. */
    public void check(long currentVersion) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return;
        }
        // Strong comparison (RFC 9110 §13.1.1): a weak tag never matches, since it does not promise the
        // byte-identical representation an update must be based on.
        for (String candidate : header.split(",")) {
            if (candidate.trim().equals(etag(currentVersion))) {
                return;
            }
        }
        throw new PreconditionFailedException("If-Match " + header + " does not match the current ETag "
                + etag(currentVersion) + "; the resource changed since you read it");
    }
}
