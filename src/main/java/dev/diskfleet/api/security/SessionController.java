package dev.diskfleet.api.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** "Who am I": the web console asks it to hide the buttons the caller's role may not use. */
@RestController
@Tag(name = "Session", description = "The caller as the service sees it")
public class SessionController {

    @Schema(description = "The caller: principal and role")
    public record SessionResponse(
            @Schema(description = "Token name, JWT subject or bootstrap-admin", example = "ci") String principal,
            @Schema(description = "token, jwt or bootstrap", example = "token") String kind,
            @Schema(description = "viewer, operator or admin; none when a JWT carries no known role", example = "operator")
            String role) {
    }

    @GetMapping("/api/session")
    @Operation(operationId = "getSession", summary = "The caller's principal and role (any role)")
    public SessionResponse session(Authentication authentication) {
        if (authentication instanceof DiskfleetAuthentication caller) {
            return new SessionResponse(caller.actor().name(), caller.actor().kind().wireName(),
                    caller.role().map(role -> role.wireName()).orElse("none"));
        }
        return new SessionResponse(authentication.getName(), "unknown", "none");
    }
}
