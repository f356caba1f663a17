package dev.diskfleet.storage;

import java.util.UUID;

/** What the store knows of one image file: enough for an API to describe it without opening it again. */
public record ImageSummary(
        UUID id,
        String format,
        Variant variant,
        long virtualSize,
        long allocatedBytes,
        UUID parentId,
        int depth) {
}
