package dev.diskfleet.api.fleet;

import dev.diskfleet.api.machine.CloudInitRequest;
import dev.diskfleet.api.network.NetworkRequest;
import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.domain.fleet.FleetLimits;
import dev.diskfleet.domain.machine.MachineLimits;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

@Schema(description = "A fleet to deploy: N identical machines from one golden image")
public record CreateFleetRequest(
        @NotBlank @Size(max = 255) @PrintableName @Schema(example = "pg-test") String name,
        @NotNull @Schema(description = "The golden image. A normal or write-through golden is cloned into the fleet's immutable"
                + " base and stays editable; an immutable golden is the base itself, with no copy",
                example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a") UUID goldenImageId,
        @NotNull @Min(1) @Max(FleetLimits.MAX_SIZE) @Schema(description = "Number of machines", example = "10") Integer size,
        @NotBlank @Pattern(regexp = FleetLimits.PREFIX_PATTERN, message = FleetLimits.PREFIX_MESSAGE)
        @Schema(description = "Machines are named <prefix>-1 … <prefix>-N", example = "pg") String machineNamePrefix,
        @Schema(description = "Reset each machine's disk at every power-on; default true", example = "true") Boolean autoReset,
        @Schema(description = "Start the machines once made; default false", example = "true") Boolean start,
        @Min(1) @Max(MachineLimits.MAX_CPUS) @Schema(description = "Virtual CPUs of each machine; default 1", example = "2") Integer cpus,
        @Min(MachineLimits.MIN_MEMORY_MB) @Max(MachineLimits.MAX_MEMORY_MB)
        @Schema(description = "Memory of each machine in MiB; default 1024", example = "1024") Integer memoryMb,
        @Valid @Schema(description = "Each machine's network; its forwards name no hostPort: every machine gets host"
                + " ports of its own") NetworkRequest network,
        @Valid @Schema(description = "Every member's cloud-init seed (also for members a scale adds); each member's"
                + " meta-data names it by its own id (instance-id) and name (local-hostname)") CloudInitRequest cloudInit,
        @Pattern(regexp = "spread|pack", message = "must be spread or pack") @Schema(description = "In a cluster, how"
                + " the members are placed over the online, undrained nodes within each node's free guest memory:"
                + " spread (default) balances them, pack fills one node before the next", example = "spread")
        String placement) {
}
