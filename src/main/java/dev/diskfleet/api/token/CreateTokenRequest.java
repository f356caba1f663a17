package dev.diskfleet.api.token;

import dev.diskfleet.api.web.PrintableName;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;

@Schema(description = "A token to issue")
public record CreateTokenRequest(
        @NotBlank @Size(max = 255) @PrintableName @Schema(description = "Who or what uses it; shown in the audit log",
                example = "ci-pipeline") String name,
        @NotNull @Pattern(regexp = "viewer|operator|admin", message = "must be viewer, operator or admin")
        @Schema(description = "viewer, operator or admin", example = "operator") String role,
        @Future @Schema(description = "When it stops working; never when absent", example = "2027-01-01T00:00:00Z")
        OffsetDateTime expiresAt) {
}
