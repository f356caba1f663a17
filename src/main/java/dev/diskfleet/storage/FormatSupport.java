package dev.diskfleet.storage;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an image format offers, for rules that only ask (may this image have differencing images, may a
 * disk be made in this variant): the answers of its driver without the driver, which opens and creates
 * files.
 */
public record FormatSupport(String name, boolean supportsDifferencing, Set<Variant> variants) {

    public FormatSupport {
        variants = Set.copyOf(variants);
    }

    static FormatSupport of(ImageFormat format) {
        Set<Variant> variants = EnumSet.noneOf(Variant.class);
        for (Variant variant : Variant.values()) {
            if (format.supportsVariant(variant)) {
                variants.add(variant);
            }
        }
        return new FormatSupport(format.name(), format.supportsDifferencing(), variants);
    }

    public boolean supportsVariant(Variant variant) {
        return variants.contains(variant);
    }
}
