package dev.diskfleet.api.forwarding;

import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.replication.ClusterSecret;
import dev.diskfleet.provisioning.replication.Owners;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the forwarding filters around the security chain of {@code /api/*}, in a cluster only: the check of
 * forwarded requests before it (so what follows sees the client's address), the forwarder after it (so only
 * an allowed caller is forwarded) and before the Idempotency-Key filter (so the owner, which does the work,
 * keeps the key).
 */
@Configuration
public class ForwardingConfiguration {

    @Bean
    FilterRegistrationBean<ForwardedRequestFilter> forwardedRequests(ClusterSecret secret,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        FilterRegistrationBean<ForwardedRequestFilter> registration =
                new FilterRegistrationBean<>(new ForwardedRequestFilter(secret));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 10);
        registration.setEnabled(cluster);
        return registration;
    }

    @Bean
    FilterRegistrationBean<NodeForwarder> nodeForwarder(Owners owners, ClusterSecret secret, LocalNode local,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        FilterRegistrationBean<NodeForwarder> registration =
                new FilterRegistrationBean<>(new NodeForwarder(new OwnerRoutes(owners), secret, local.name()));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 5);
        registration.setEnabled(cluster);
        return registration;
    }
}
