package dev.diskfleet.api.web;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Documents the {@code Idempotency-Key} header on every operation {@link IdempotencyFilter} honours it for
 * (every POST, and the PUTs that create), so no controller declares it itself.
 */
@Component
class IdempotencyKeyDocumentation implements OpenApiCustomizer {

    @Override
    public void customise(io.swagger.v3.oas.models.OpenAPI api) {
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            boolean documented = operation.getParameters() != null && operation.getParameters().stream()
                    .anyMatch(p -> IdempotencyFilter.HEADER.equals(p.getName()));
            if (IdempotencyFilter.honours(method.name(), path) && !documented) {
                operation.addParametersItem(new HeaderParameter()
                        .name(IdempotencyFilter.HEADER)
                        .required(false)
                        .description("Makes a retry safe: the same key with the same request returns the first "
                                + "answer again (with Idempotent-Replayed: true) and creates nothing twice; the same "
                                + "key with another request is a 422, and while the first is still running a 409. "
                                + "Answers are kept 24 hours.")
                        .schema(new StringSchema().maxLength(255))
                        .example("5f0c6c2e-8d7b-4c4e-9a51-2b7f3e1d9a60"));
            }
        }));
    }
}
