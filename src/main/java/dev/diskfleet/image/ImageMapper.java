package dev.diskfleet.image;

import java.util.Locale;

/** Lower-case API names for the enums and strings stored in image rows. */
public final class ImageMapper {

    private ImageMapper() {
    }

    public static String apiName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    public static ImageType parseType(String value, ImageType fallback) {
        return value == null ? fallback : ImageType.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
