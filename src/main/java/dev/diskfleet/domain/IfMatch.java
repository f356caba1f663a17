package dev.diskfleet.domain;

/**
 * A client's {@code If-Match}: the versions (ETags) it expects a resource to be at. A row's
 * {@code @Version} changes with every update, so an old tag is refused instead of losing someone's change.
 * Null or {@code *} accepts any version.
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
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag(currentVersion))) {
                return;
            }
        }
        throw new PreconditionFailedException("If-Match " + header + " does not match the current ETag "
                + etag(currentVersion) + "; the resource changed since you read it");
    }
}
