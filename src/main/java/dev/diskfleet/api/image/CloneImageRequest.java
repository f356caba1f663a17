package dev.diskfleet.api.image;

import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.api.web.PrintableText;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@Schema(description = "A full, independent copy of an image (a differencing image is flattened into it)")
public record CloneImageRequest(
        @NotBlank @Size(max = 255) @PrintableName @Schema(example = "ubuntu-24.04-postgres-16-golden") String name,
        @Schema(description = "File format of the copy (converting between vdi, qcow2 and raw); default the"
                + " source's format", example = "qcow2", allowableValues = {"vdi", "qcow2", "raw"}) String format,
        @Pattern(regexp = "dynamic|fixed", message = "must be dynamic or fixed")
        @Schema(description = "dynamic (sparse) or fixed (preallocated; vdi and raw only, qcow2 is always dynamic);"
                + " default dynamic", example = "dynamic")
        String variant,
        @Pattern(regexp = "normal|writethrough|immutable", message = "must be normal, writethrough or immutable")
        @Schema(description = "Write mode of the copy; default normal", example = "immutable") String type,
        @Size(max = 2000) @PrintableText @Schema(example = "golden image for the web fleet") String description) {
}
