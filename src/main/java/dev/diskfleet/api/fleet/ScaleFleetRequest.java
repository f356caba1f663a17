package dev.diskfleet.api.fleet;

import dev.diskfleet.domain.fleet.FleetLimits;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

@Schema(description = "The new number of machines; fewer removes the highest-numbered ones and their disks")
public record ScaleFleetRequest(
        @NotNull @Min(0) @Max(FleetLimits.MAX_SIZE) @Schema(example = "12") Integer size) {
}
