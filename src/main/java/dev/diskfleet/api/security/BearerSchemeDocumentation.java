package dev.diskfleet.api.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/** The {@code bearer} security scheme in the API document, required by every operation (Swagger UI's Authorize). */
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
    }
}
