package dev.diskfleet.api.machine;

import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.api.web.PrintableText;
import dev.diskfleet.domain.machine.MachineLimits;
import dev.diskfleet.api.network.NetworkRequest;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@Schema(description = "Fields to change; absent fields stay as they are. cpus, memoryMb, cloudInit and network only"
        + " while powered off")
public record PatchMachineRequest(
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") @PrintableName
        @Schema(example = "pg-1-renamed") String name,
        @Size(max = 2000) @PrintableText @Schema(example = "PostgreSQL 16, bigger") String description,
        @Min(1) @Max(MachineLimits.MAX_CPUS) @Schema(example = "4") Integer cpus,
        @Min(MachineLimits.MIN_MEMORY_MB) @Max(MachineLimits.MAX_MEMORY_MB) @Schema(example = "8192") Integer memoryMb,
        @Valid CloudInitRequest cloudInit,
        @Valid @Schema(description = "Replaces the whole network; a forward the machine has already keeps its host port"
                + " unless hostPort names another") NetworkRequest network) {
}
