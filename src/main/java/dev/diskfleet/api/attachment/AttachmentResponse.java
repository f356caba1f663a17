package dev.diskfleet.api.attachment;

import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.provisioning.attachment.AttachmentDetails;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.UUID;

@Schema(description = "An attached disk: the image asked for and the medium the machine actually uses")
public record AttachmentResponse(
        @Schema(example = "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f") UUID id,
        @Schema(example = "9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d") UUID machineId,
        @Schema(example = "0") int port,
        @Schema(example = "0") int device,
        @Schema(description = "The attached image's type: normal, writethrough or immutable", example = "immutable")
        String type,
        @Schema(description = "The image that was attached", example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a")
        UUID imageId,
        @Schema(description = "The image the machine reads and writes: its own differencing image for an immutable"
                + " image, the newest snapshot child for a snapshotted normal one, else the image itself",
                example = "0e4d2c1b-7f3a-4b5c-9d8e-6a1b2c3d4e5f") UUID mediumId,
        @Schema(description = "Whether the medium is emptied at every power-on", example = "true") boolean autoReset,
        @Schema(description = "Where to read and write the disk as this guest sees it",
                example = "/api/machines/9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d/attachments/5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f/data")
        String dataUrl,
        OffsetDateTime createdAt) {

    public static AttachmentResponse of(AttachmentDetails details) {
        Attachment attachment = details.attachment();
        boolean autoReset = details.autoReset();
        return new AttachmentResponse(attachment.getId(), attachment.getMachineId(), attachment.getPort(),
                attachment.getDevice(), ApiNames.of(attachment.getMode()), attachment.getImageId(),
                attachment.getMediumId(), autoReset, "/api/machines/" + attachment.getMachineId() + "/attachments/"
                        + attachment.getId() + "/data", attachment.getCreatedAt());
    }
}
