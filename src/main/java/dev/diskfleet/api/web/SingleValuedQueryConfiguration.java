package dev.diskfleet.api.web;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;

/** Puts {@link SingleValuedQueryFilter} in front of the API, before the Idempotency-Key filter claims a key. */
@Configuration
public class SingleValuedQueryConfiguration {

    @Bean
    FilterRegistrationBean<SingleValuedQueryFilter> singleValuedQueries(
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems) {
        FilterRegistrationBean<SingleValuedQueryFilter> registration =
                new FilterRegistrationBean<>(new SingleValuedQueryFilter(problems));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }
}
