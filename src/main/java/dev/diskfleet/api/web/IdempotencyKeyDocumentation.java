package dev.diskfleet.api.web;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * Documents the {@code Idempotency-Key} header on every POST: {@link IdempotencyFilter} honours it for
 * all of them, so no controller declares it itself.
 */
@Configuration
public class IdempotencyKeyDocumentation {

    @Bean
    OperationCustomizer idempotencyKeyHeader() {
        return (operation, handler) -> {
            if (handler.hasMethodAnnotation(PostMapping.class)) {
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
            return operation;
        };
    }
}
