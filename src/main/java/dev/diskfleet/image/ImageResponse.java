package dev.diskfleet.image;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@Schema(description = "An image: its identity, write mode, sizes and where it sits in a differencing chain")
public record ImageResponse(
        @Schema(description = "The image's UUID, also the UUID in its file's header and its file name",
                example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a") UUID id,
        @Schema(example = "ubuntu-24.04-postgres-16") String name,
        String description,
        @Schema(example = "vdi") String format,
        @Schema(example = "dynamic") String variant,
        @Schema(example = "immutable") String type,
        @Schema(description = "Virtual disk size in bytes", example = "10737418240") long sizeBytes,
        @Schema(description = "Bytes the file occupies on the host", example = "45056") long allocatedBytes,
        UUID parentId,
        long childCount,
        @Schema(description = "1 for a base image, 2 for a differencing image on a base, ...") int chainDepth,
        boolean autoReset,
        @Schema(example = "ready") String state,
        List<ImageAttachmentRef> attachments,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {
}
