package dev.diskfleet.api.token;

import dev.diskfleet.provisioning.token.IssuedToken;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.UUID;

@Schema(description = "A token just issued, with its secret: shown in this answer only, keep it")
public record IssuedTokenResponse(
        @Schema(example = "0b7f3c1e-2a4d-4e8f-9c6b-5d1a2e3f4b5c") UUID id,
        @Schema(example = "ci-pipeline") String name,
        @Schema(example = "operator") String role,
        @Schema(description = "The bearer secret: send it as 'Authorization: Bearer <token>'",
                example = "dft_0b7f3c1e2a4d4e8f9c6b5d1a2e3f4b5c_q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c") String token,
        @Schema(example = "2026-01-15T10:00:00Z") OffsetDateTime createdAt,
        @Schema(description = "Null: never expires") OffsetDateTime expiresAt) {

    static IssuedTokenResponse of(IssuedToken issued) {
        return new IssuedTokenResponse(issued.token().getId(), issued.token().getName(),
                issued.token().getRole().wireName(), issued.secret().value(), issued.token().getCreatedAt(),
                issued.token().getExpiresAt());
    }

    @Override
    public String toString() {
        return "IssuedTokenResponse[id=" + id + ", name=" + name + ", role=" + role + ", token=(hidden)]";
    }
}
