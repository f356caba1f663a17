package dev.diskfleet.api.security;

import dev.diskfleet.provisioning.audit.AuditLog;
import dev.diskfleet.provisioning.replication.ClusterSecret;
import dev.diskfleet.provisioning.token.BootstrapAdmin;
import dev.diskfleet.provisioning.token.TokenService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;

/**
 * Bearer tokens on the API and the actuator: stateless (no session, no cookie, hence no CSRF token to
 * check), no CORS (same origin only), roles by method and path ({@link EndpointRoles}). A token is tried
 * as one of ours (bootstrap admin or API token) first, then, when an identity provider is configured, as a
 * JWT. Every answer carries a Content-Security-Policy (the web console runs only its own script files, so
 * injected markup cannot run script), {@code Referrer-Policy: no-referrer} and, over TLS, HSTS.
 */
@Configuration
public class SecurityConfiguration {

    /**
     * Scripts, styles and everything else from this origin only: no inline script or style, no eval, no
     * plugins, no framing, no {@code <base>}. Images may be {@code data:} URIs (Swagger UI's icons).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none';"
            + " base-uri 'none'; form-action 'self'";

    @Bean
    RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(EndpointRoles.ADMIN).implies(EndpointRoles.OPERATOR)
                .role(EndpointRoles.OPERATOR).implies(EndpointRoles.VIEWER)
                .build();
    }

    /**
     * {@code /internal/**}, the endpoints nodes call on each other, in a chain of its own before the API's: no
     * bearer token is read there, only the cluster secret ({@link ClusterSecretFilter}).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain internalSecurity(HttpSecurity http, ClusterSecret secret,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster, ProblemResponses problems) throws Exception {
        http.securityMatcher("/internal/**")
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .authorizeHttpRequests(rules -> rules.anyRequest().permitAll())
                .addFilterBefore(new ClusterSecretFilter(secret, cluster, problems), AuthorizationFilter.class);
        return http.build();
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, BootstrapAdmin bootstrapAdmin, TokenService tokens,
            JwtSettings jwt, ProblemResponses problems, FailedAuthenticationLimiter limiter,
            AnonymousRefusalLimiter anonymousLimiter, AuditLog audit, WarmUpCredential warmUp) throws Exception {
        AuthenticationManager bearer = bearerAuthentication(bootstrapAdmin, tokens, warmUp, jwt);
        BearerChallenge challenge = new BearerChallenge(problems, limiter);
        RoleTooLow roleTooLow = new RoleTooLow(problems);
        http.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        // Sent on secure requests only (TLS, or a proxy's X-Forwarded-Proto: https that the
                        // server trusts): over plain HTTP a browser ignores it anyway.
                        .httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true)
                                .maxAgeInSeconds(Duration.ofDays(365).toSeconds())))
                .authorizeHttpRequests(EndpointRoles::apply)
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(request -> bearer)
                        .authenticationEntryPoint(challenge)
                        .accessDeniedHandler(roleTooLow))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(challenge)
                        .accessDeniedHandler(roleTooLow))
                .addFilterAfter(new AuditFilter(audit), SecurityContextHolderFilter.class)
                .addFilterBefore(new AnonymousRefusalLimitFilter(anonymousLimiter, problems),
                        BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new FormUploadRefusal(problems), AuthorizationFilter.class);
        return http.build();
    }

    private static AuthenticationManager bearerAuthentication(BootstrapAdmin bootstrapAdmin, TokenService tokens,
            WarmUpCredential warmUp, JwtSettings jwt) {
        List<AuthenticationProvider> providers = new ArrayList<>();
        providers.add(new ApiTokenAuthenticationProvider(bootstrapAdmin, tokens, warmUp));
        jwt.decoder().ifPresent(decoder -> {
            JwtAuthenticationProvider jwtProvider = new JwtAuthenticationProvider(decoder);
            jwtProvider.setJwtAuthenticationConverter(jwt.roles());
            providers.add(jwtProvider);
        });
        return new ProviderManager(providers);
    }
}
