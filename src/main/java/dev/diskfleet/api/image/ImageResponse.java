package dev.diskfleet.api.image;

import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageAttachmentRef;
import dev.diskfleet.provisioning.image.ImageDetails;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@Schema(description = "An image: its identity, write mode, sizes and where it sits in a differencing chain")
public record ImageResponse(
        @Schema(description = "The image's UUID, also the UUID in its file's header and its file name",
                example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a") UUID id,
        @Schema(example = "ubuntu-24.04-postgres-16") String name,
        @Schema(example = "Ubuntu 24.04 with PostgreSQL 16, golden") String description,
        @Schema(description = "vdi, qcow2 or raw; a differencing image is in its parent's format",
                example = "vdi") String format,
        @Schema(example = "dynamic") String variant,
        @Schema(description = "normal, writethrough or immutable", example = "immutable") String type,
        @Schema(description = "Virtual disk size in bytes", example = "10737418240") long sizeBytes,
        @Schema(description = "Bytes the image holds: its allocated blocks or clusters. A listing reads it without"
                + " opening files, so there an image no request has opened yet shows its file's length", example = "45056")
        long allocatedBytes,
        @Schema(description = "The image this differencing image was made on; null for a base image")
        UUID parentId,
        @Schema(description = "Differencing images made on this one", example = "3") long childCount,
        @Schema(description = "1 for a base image, 2 for a differencing image on a base, ...", example = "1")
        int chainDepth,
        @Schema(description = "Differencing images only: emptied at the machine's next power-on", example = "false")
        boolean autoReset,
        @Schema(description = "ready, or inaccessible when its file was missing at startup", example = "ready")
        String state,
        @Schema(description = "Machines that attach this image or a differencing image made on it")
        List<ImageAttachmentRef> attachments,
        @Schema(description = "The nodes whose storage roots hold the image's file (one with a single node). An"
                + " immutable image is copied to another node when that node needs it", example = "[\"host-a\"]")
        List<String> locations,
        @Schema(example = "2026-01-15T10:00:00Z") OffsetDateTime createdAt,
        @Schema(example = "2026-01-15T10:05:00Z") OffsetDateTime updatedAt) {

    public static ImageResponse of(ImageDetails details) {
        Image image = details.image();
        return new ImageResponse(image.getId(), image.getName(), image.getDescription(), image.getFormat(),
                image.getVariant(), ApiNames.of(image.getType()), image.getSizeBytes(), details.allocatedBytes(),
                image.getParentId(), details.childCount(), details.chainDepth(), image.isAutoReset(),
                ApiNames.of(image.getState()), details.attachments(), details.locations(), image.getCreatedAt(), image.getUpdatedAt());
    }
}
