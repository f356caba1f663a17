package dev.diskfleet.web;

/**
 * Strong ETags from an entity's JPA {@code @Version}: the version changes with every update, so
 * {@code If-Match} with an old ETag is refused with 412 instead of losing someone's change.
 */
public final class ETags {

    private ETags() {
    }

    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /** Refuses a stale {@code If-Match}; no header means the client accepts the current state. */
    public static void checkIfMatch(String ifMatch, long currentVersion) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return;
        }
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(of(currentVersion))) {
                return;
            }
        }
        throw ApiException.preconditionFailed("If-Match " + ifMatch + " does not match the current ETag "
                + of(currentVersion) + "; the resource changed since you read it");
    }
}
