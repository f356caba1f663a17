package dev.diskfleet.api.web;

import dev.diskfleet.domain.ExpectedVersion;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client's {@code If-Match} (RFC 9110 §13.1.1) read as the versions it expects a resource to be at: an
 * ETag is a row's version number in quotes. Absent, blank or {@code *} accepts any version. The comparison
 * is strong: a weak tag ({@code W/"4"}) matches none, since it does not promise the byte-identical
 * representation an update must be based on; nor does anything else that is not one of our ETags.
 */
public final class IfMatch {

    /** Our ETags exactly as {@link #etag} writes them: no leading zeros, no sign. */
    private static final Pattern STRONG_TAG = Pattern.compile("\"(0|[1-9]\\d{0,18})\"");

    private IfMatch() {
    }

    /** The strong ETag of a version: the version number in quotes. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The versions {@code header} (null when absent) names, as the services check them. */
    public static ExpectedVersion parse(String header) {
        if (header == null || header.isBlank() || header.trim().equals("*")) {
            return ExpectedVersion.ANY;
        }
        Set<Long> versions = new HashSet<>();
        for (String candidate : header.split(",")) {
            Matcher tag = STRONG_TAG.matcher(candidate.trim());
            if (tag.matches()) {
                try {
                    versions.add(Long.parseLong(tag.group(1)));
                } catch (NumberFormatException beyondAnyVersion) {
                    // 19 digits above Long.MAX_VALUE: no row is at that version
                }
            }
        }
        return ExpectedVersion.oneOf(versions);
    }
}
