package dev.diskfleet.api.attachment;

import dev.diskfleet.domain.attachment.AttachmentPlan;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;

@Schema(description = "An image to attach to a slot of a powered-off machine")
public record AttachRequest(
        @NotNull @Schema(example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a") UUID imageId,
        @NotNull @Min(0) @Max(MAX_PORT) @Schema(description = "Controller port, 0 to 29 (a SATA controller's)",
                example = "0") Integer port,
        @NotNull @Min(0) @Max(MAX_DEVICE) @Schema(description = "Device on the port, 0 or 1", example = "0")
        Integer device,
        @Schema(description = "Immutable images only: whether the machine's own differencing image is emptied at"
                + " every power-on (default true); false keeps the changes across power cycles", example = "true")
        Boolean autoReset) {

    public static final int MAX_PORT = AttachmentPlan.MAX_PORT;
    public static final int MAX_DEVICE = AttachmentPlan.MAX_DEVICE;
}
