package dev.diskfleet.domain;

import java.util.Locale;

/**
 * A list's {@code name} filter: a case-insensitive substring, matched literally. {@code %} and {@code _}
 * in it are escaped (with {@link #ESCAPE}), so they match themselves and never act as SQL wildcards.
 */
public final class NameFilter {

    public static final char ESCAPE = '\\';

    private NameFilter() {
    }

    /** The LIKE pattern for lower-cased names containing {@code text}. */
    public static String containing(String text) {
        String escaped = text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + escaped + "%";
    }
}
