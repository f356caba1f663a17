package dev.diskfleet.provisioning.image;

import java.util.UUID;

/** An image file in the storage root that no image row knows. */
public record OrphanFile(
        UUID id,
        String fileName,
        String format,
        long fileBytes) {
}
