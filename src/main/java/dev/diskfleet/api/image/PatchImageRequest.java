package dev.diskfleet.api.image;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@Schema(description = "Fields to change; absent fields stay as they are")
public record PatchImageRequest(
        @Size(min = 1, max = 255) @Schema(example = "golden-v2") String name,
        @Size(max = 2000) String description,
        @Pattern(regexp = "normal|writethrough|immutable", message = "must be normal, writethrough or immutable")
        @Schema(example = "immutable") String type,
        @Schema(description = "Differencing images only: empty the image at its machine's next power-on")
        Boolean autoReset) {
}
