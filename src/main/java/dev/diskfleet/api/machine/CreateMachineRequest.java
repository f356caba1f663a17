package dev.diskfleet.api.machine;

import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.api.web.PrintableText;
import dev.diskfleet.domain.machine.MachineLimits;
import dev.diskfleet.api.network.NetworkRequest;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

@Schema(description = "A machine to create, powered off and without disks")
public record CreateMachineRequest(
        @NotBlank @Size(max = 255) @PrintableName @Schema(description = "Unique among machines", example = "pg-1") String name,
        @Size(max = 2000) @PrintableText @Schema(example = "PostgreSQL 16 test guest") String description,
        @Min(1) @Max(MachineLimits.MAX_CPUS) @Schema(description = "Virtual CPUs; default 1", example = "2") Integer cpus,
        @Min(MachineLimits.MIN_MEMORY_MB) @Max(MachineLimits.MAX_MEMORY_MB)
        @Schema(description = "Guest memory in MiB; default 1024", example = "4096") Integer memoryMb,
        @Valid CloudInitRequest cloudInit,
        @Size(max = 255) @PrintableName @Schema(description = "The node to make it on (online and undrained); default:"
                + " this node without a cluster, else the node that first starts it", example = "node-a") String node,
        @Valid @Schema(description = "Default: user-mode networking without forwards or outbound access") NetworkRequest network) {
}
