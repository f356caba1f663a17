package dev.diskfleet.api.audit;

import dev.diskfleet.domain.audit.AuditEntry;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.UUID;

@Schema(description = "One request that changed state, or the refusals of one caller from one address in one"
        + " window (count, the last at lastTime)")
public record AuditEntryResponse(
        UUID id,
        @Schema(example = "2026-01-15T10:00:00Z") OffsetDateTime time,
        @Schema(description = "The token's name, the JWT subject, bootstrap-admin or anonymous",
                example = "ci-pipeline") String principal,
        @Schema(description = "token, jwt, bootstrap or anonymous", example = "token") String principalKind,
        @Schema(description = "The API token's id, for principal kind token") UUID tokenId,
        @Schema(example = "POST") String method,
        @Schema(description = "Without the query string; the first 2,048 characters of a longer one",
                example = "/api/fleets") String path,
        @Schema(example = "202") int status,
        @Schema(example = "127.0.0.1") String clientAddress,
        @Schema(description = "How many requests this entry stands for: 1, or the refusals counted in its window"
                + " (the path and method are the first one's)", example = "1") int count,
        @Schema(description = "When the last of count refusals came; absent for one request") OffsetDateTime lastTime) {

    static AuditEntryResponse of(AuditEntry e) {
        return new AuditEntryResponse(e.getId(), e.getOccurredAt(), e.getPrincipal(), e.getPrincipalKind(),
                e.getTokenId(), e.getMethod(), e.getPath(), e.getStatus(), e.getClientAddress(), e.getCount(),
                e.getLastOccurredAt());
    }
}
