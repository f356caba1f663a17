package dev.diskfleet.api.web;

import dev.diskfleet.provisioning.idempotency.IdempotencyStore;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;

/** Puts {@link IdempotencyFilter} in front of the API; its refusals become problems like any other error. */
@Configuration
public class IdempotencyConfiguration {

    @Bean
    FilterRegistrationBean<IdempotencyFilter> idempotencyKeys(IdempotencyStore store,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        FilterRegistrationBean<IdempotencyFilter> registration =
                new FilterRegistrationBean<>(new IdempotencyFilter(store, problems));
        registration.addUrlPatterns("/api/*");
        // After the upload filter (highest precedence), so uploads are seen with their normalised body type,
        // and after the security chain, so the key is scoped to the authenticated caller.
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10);
        return registration;
    }
}
