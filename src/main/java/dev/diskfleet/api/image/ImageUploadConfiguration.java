package dev.diskfleet.api.image;

import dev.diskfleet.api.web.RawBodyFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Upload bodies are disk images, whatever Content-Type the client's tool put on them. */
@Configuration
public class ImageUploadConfiguration {

    @Bean
    FilterRegistrationBean<RawBodyFilter> imageUploadBodies() {
        FilterRegistrationBean<RawBodyFilter> registration = new FilterRegistrationBean<>(new RawBodyFilter());
        registration.addUrlPatterns("/api/images/uploads");
        // Before Spring's FormContentFilter, which would otherwise read a form-labelled PUT body as a form.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
