package dev.diskfleet.provisioning.image;

/**
 * A new image as a client describes it; null fields take their defaults (vdi, dynamic, normal). Also
 * the target of a clone, where {@code sizeBytes} is unused and the format defaults to the source's.
 */
public record ImageDraft(String name, String description, Long sizeBytes, String format, String variant,
        String type) {
}
