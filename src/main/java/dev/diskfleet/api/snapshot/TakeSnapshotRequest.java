package dev.diskfleet.api.snapshot;

import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.api.web.PrintableText;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

@Schema(description = "A snapshot to take of a machine's normal disks")
public record TakeSnapshotRequest(
        @NotBlank @Size(max = 255) @PrintableName @Schema(example = "before-upgrade") String name,
        @Size(max = 2000) @PrintableText @Schema(example = "PostgreSQL 16.2, empty database") String description) {
}
