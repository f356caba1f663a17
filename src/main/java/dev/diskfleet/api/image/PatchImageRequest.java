package dev.diskfleet.api.image;

import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.api.web.PrintableText;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@Schema(description = "Fields to change; absent fields stay as they are")
public record PatchImageRequest(
        @Size(min = 1, max = 255) @PrintableName @Schema(example = "golden-v2") String name,
        @Size(max = 2000) @PrintableText String description,
        @Pattern(regexp = "normal|writethrough|immutable", message = "must be normal, writethrough or immutable")
        @Schema(example = "immutable") String type,
        @Schema(description = "Differencing images only: empty the image at its machine's next power-on")
        Boolean autoReset) {
}
