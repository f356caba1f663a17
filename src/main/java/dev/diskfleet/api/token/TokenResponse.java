package dev.diskfleet.api.token;

import dev.diskfleet.domain.token.ApiToken;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.UUID;

@Schema(description = "A token as listed: never its secret, never its hash")
public record TokenResponse(
        @Schema(example = "0b7f3c1e-2a4d-4e8f-9c6b-5d1a2e3f4b5c") UUID id,
        @Schema(example = "ci-pipeline") String name,
        @Schema(description = "viewer, operator or admin", example = "operator") String role,
        @Schema(example = "2026-01-15T10:00:00Z") OffsetDateTime createdAt,
        @Schema(description = "Null: never expires", example = "2027-01-01T00:00:00Z") OffsetDateTime expiresAt,
        @Schema(description = "Set once revoked; a revoked token no longer works") OffsetDateTime revokedAt) {

    static TokenResponse of(ApiToken token) {
        return new TokenResponse(token.getId(), token.getName(), token.getRole().wireName(), token.getCreatedAt(),
                token.getExpiresAt(), token.getRevokedAt());
    }
}
