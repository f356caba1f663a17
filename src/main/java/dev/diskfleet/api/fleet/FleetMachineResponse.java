package dev.diskfleet.api.fleet;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

@Schema(description = "A member machine of a fleet and its own differencing disk")
public record FleetMachineResponse(
        @Schema(description = "1-based; the machine is named <prefix>-<ordinal>", example = "3") int ordinal,
        @Schema(example = "9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d") UUID machineId,
        @Schema(example = "pg-3") String name,
        @Schema(example = "running") String state,
        @Schema(description = "The node that holds its disk and runs its guest", example = "node-a") String node,
        @Schema(description = "The attachment carrying the disk, for guest I/O at "
                + "/api/machines/{machineId}/attachments/{attachmentId}/data",
                example = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f") UUID attachmentId,
        @Schema(description = "The machine's differencing image on the fleet's base",
                example = "0e4d2c1b-7f3a-4b5c-9d8e-6a1b2c3d4e5f") UUID diskImageId,
        @Schema(description = "Bytes the machine's disk occupies on the host", example = "8192") long diskBytes) {
}
