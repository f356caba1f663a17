package dev.diskfleet.api.fleet;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.UUID;

@Schema(description = "One result per machine of a fleet-wide start, stop or reset")
public record FleetPowerResponse(
        @Schema(example = "5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d") UUID fleetId,
        @Schema(example = "reset") String action,
        @Schema(example = "10") int succeeded,
        @Schema(example = "0") int failed,
        List<MachinePowerResult> results) {
}
