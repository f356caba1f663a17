package dev.diskfleet.domain;

import java.util.Locale;

/**
 * How enum constants are spelt outside Java (in the API and in some columns): lower case, in
 * {@link Locale#ROOT} so that a Turkish default locale does not turn {@code IMMUTABLE} into
 * {@code ımmutable}.
 */
public final class ApiNames {

    private ApiNames() {
    }

    public static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} spelt {@code name} in any case, or {@code fallback} when null. */
    public static <E extends Enum<E>> E parse(Class<E> type, String name, E fallback) {
        return name == null ? fallback : Enum.valueOf(type, name.toUpperCase(Locale.ROOT));
    }
}
