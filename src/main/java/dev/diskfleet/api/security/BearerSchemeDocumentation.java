package dev.diskfleet.api.security;

import dev.diskfleet.api.web.DocumentedProblems;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The {@code bearer} security scheme in the API document, required by every operation (Swagger UI's
 * Authorize), and the refusals every operation under {@code /api/} can answer before any handler runs:
 * 401 (no or a bad token), 403 (role too low) and 429 (too many failed authentications).
 */
@Component
class BearerSchemeDocumentation implements OpenApiCustomizer {

    static final String SCHEME = "bearer";

    @Override
    public void customise(io.swagger.v3.oas.models.OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(new Components());
        }
        api.getComponents().addSecuritySchemes(SCHEME, new SecurityScheme()
                .type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .bearerFormat("opaque token")
                .description("An API token from POST /api/tokens (dft_...), the bootstrap admin token"
                        + " (data/admin-token or DISKFLEET_ADMIN_TOKEN), or a JWT when an identity provider is"
                        + " configured. Roles: viewer < operator < admin."));
        api.addSecurityItem(new SecurityRequirement().addList(SCHEME));
        if (api.getPaths() != null) {
            api.getPaths().forEach((path, item) -> {
                if (path.startsWith("/api/")) {
                    item.readOperationsMap().forEach((method, operation) -> documentRefusals(path, method.name(),
                            operation));
                }
            });
        }
    }

    private static void documentRefusals(String path, String method, Operation operation) {
        String instance = DocumentedProblems.instance(path);
        DocumentedProblems.add(operation, 401, "No token, or an unknown, expired or revoked one (WWW-Authenticate:"
                + " Bearer)", "unauthorized", DocumentedProblems.problem(401, "unauthorized", "Unauthorized",
                        "this request needs a token: send the header 'Authorization: Bearer <token>'", instance));
        DocumentedProblems.add(operation, 403, "The token's role does not allow this (viewer < operator < admin)",
                "forbidden", DocumentedProblems.problem(403, "forbidden", "Forbidden", "your role does not allow "
                        + method + " on this path; the roles are viewer < operator < admin (see the"
                        + " README)", instance));
        DocumentedProblems.add(operation, 429, "Too many invalid tokens from this address or naming this token id"
                + " (a valid token is never refused); Retry-After says when to try again",
                "too-many-failed-authentications", DocumentedProblems.problem(429, "too-many-failed-authentications",
                        "Too many failed authentications", "too many invalid tokens came from your address or named"
                                + " this token id; retry after 42 s", instance));
        DocumentedProblems.add(operation, 429, "Too many requests without a token refused from this address;"
                + " Retry-After says when to try again", "too-many-anonymous-requests",
                DocumentedProblems.problem(429, "too-many-anonymous-requests", "Too many requests without a token",
                        "too many requests from your address came without a token and were refused; send a token"
                                + " (Authorization: Bearer ...), or retry after 42 s", instance));
    }
}
