package dev.diskfleet.provisioning;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

@Schema(description = "An image file in the storage root that no image row knows")
public record OrphanFile(
        @Schema(description = "The UUID the file is named by", example = "7c9e6679-7425-40de-944b-e07fc1f90ae7") UUID id,
        @Schema(example = "7c9e6679-7425-40de-944b-e07fc1f90ae7.vdi") String fileName,
        @Schema(example = "vdi") String format,
        @Schema(description = "Length of the file in bytes", example = "2101248") long fileBytes) {
}
