package dev.diskfleet.api.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.springframework.http.ProblemDetail;

/** An operation as clients see it; {@code error} is a problem detail when it failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "Long work and how far it has got")
public record OperationResponse(
        @Schema(example = "0b7e3f5c-2d4a-4f6b-9c1d-8e7f6a5b4c3d") UUID id,
        @Schema(description = "What the work does: clone-image, fleet.deploy, fleet.scale, fleet.start, fleet.stop or fleet.reset",
                example = "clone-image") String kind,
        @Schema(description = "queued, running, succeeded or failed", example = "succeeded") String state,
        @Schema(description = "0-100", example = "100") int progress,
        @Schema(description = "The resource the work acts on", example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a")
        UUID targetId,
        @Schema(description = "Once succeeded: the resource the work created",
                example = "/api/images/7c9e6679-7425-40de-944b-e07fc1f90ae7") String resourceUrl,
        @Schema(description = "A result document, for work that has one (for example one status per machine)")
        Object result,
        @Schema(description = "Once failed: why, as an RFC 9457 problem detail")
        ProblemDetail error,
        @Schema(example = "2026-01-15T10:00:00Z") OffsetDateTime createdAt,
        @Schema(example = "2026-01-15T10:00:04Z") OffsetDateTime updatedAt,
        @Schema(example = "2026-01-15T10:00:04Z") OffsetDateTime finishedAt) {
}
