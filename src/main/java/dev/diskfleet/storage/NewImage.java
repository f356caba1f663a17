package dev.diskfleet.storage;

import java.util.Objects;
import java.util.UUID;

/**
 * What to create: a base image ({@code parent == null}) of {@code virtualSize} bytes, or a differencing
 * child of {@code parent} (which fixes the size).
 */
public record NewImage(UUID id, long virtualSize, Variant variant, ImageFile parent) {

    public NewImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(variant, "variant");
        if (parent != null) {
            virtualSize = parent.virtualSize();
        } else if (virtualSize <= 0) {
            throw new StorageException("virtual size must be positive, got " + virtualSize);
        }
    }

    public static NewImage base(UUID id, long virtualSize, Variant variant) {
        return new NewImage(id, virtualSize, variant, null);
    }

    public static NewImage differencing(UUID id, ImageFile parent) {
        return new NewImage(id, 0, Variant.DYNAMIC, parent);
    }
}
