package dev.diskfleet.api.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;
import org.springframework.http.ProblemDetail;

@Schema(description = "What a fleet-wide power action did to one machine")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MachinePowerResult(
        @Schema(example = "3") int ordinal,
        @Schema(example = "9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d") UUID machineId,
        @Schema(example = "pg-3") String name,
        @Schema(description = "true when the action succeeded on this machine", example = "true") boolean ok,
        @Schema(description = "The machine's state afterwards", example = "running") String state,
        @Schema(description = "Why it failed, as a problem detail") ProblemDetail error) {
}
