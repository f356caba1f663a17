package dev.diskfleet.api.image;

import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.api.web.PrintableText;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

@Schema(description = "A blank image to create")
public record CreateImageRequest(
        @NotBlank @Size(max = 255) @PrintableName @Schema(example = "scratch-disk") String name,
        @NotNull @Positive @WholeSectors
        @Schema(description = "Virtual size in bytes: whole 512-byte sectors, at most diskfleet.limits.max-virtual-size"
                + " (default 8 TiB)", example = "10737418240")
        Long sizeBytes,
        @Schema(description = "File format: vdi, qcow2 or raw; default vdi", example = "vdi",
                allowableValues = {"vdi", "qcow2", "raw"}) String format,
        @Pattern(regexp = "dynamic|fixed", message = "must be dynamic or fixed")
        @Schema(description = "dynamic (sparse) or fixed (preallocated; vdi and raw only, qcow2 is always dynamic);"
                + " default dynamic", example = "dynamic") String variant,
        @Pattern(regexp = "normal|writethrough|immutable", message = "must be normal, writethrough or immutable")
        @Schema(description = "Write mode; default normal", example = "normal") String type,
        @Size(max = 2000) @PrintableText @Schema(example = "10 GiB scratch disk") String description) {
}
