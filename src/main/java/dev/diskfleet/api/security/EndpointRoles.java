package dev.diskfleet.api.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.security.autoconfigure.web.servlet.PathRequest;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * The role table, by method and path (the README's "Security" section shows it). The first rule that
 * matches decides; roles include the ones below them (viewer &lt; operator &lt; admin), so each rule
 * names the lowest role allowed. Decided before any handler runs: a refusal never depends on whether the
 * resource exists.
 */
final class EndpointRoles {

    static final String VIEWER = "VIEWER";
    static final String OPERATOR = "OPERATOR";
    static final String ADMIN = "ADMIN";

    private EndpointRoles() {
    }

    static void apply(AuthorizeHttpRequestsConfigurer<?>.AuthorizationManagerRequestMatcherRegistry rules) {
        // A forward to the error page or the second half of an async download was authorized as the request.
        rules.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll();

        // Public: liveness, the API document and its UI, the web console's page and static files.
        rules.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll();
        rules.requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
                "/swagger-ui/**", "/swagger-ui.html", "/", "/index.html").permitAll();
        rules.requestMatchers(PathRequest.toStaticResources().atCommonLocations()).permitAll();

        // Admin even for reads: who may do what, and what happened.
        rules.requestMatchers("/api/tokens/**", "/api/audit/**", "/api/storage/**").hasRole(ADMIN);

        // Operator: disk bytes, power, snapshots, (future) NBD exports.
        rules.requestMatchers(HttpMethod.GET, "/api/images/*/content").hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.HEAD, "/api/images/*/content").hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.GET, "/api/machines/*/attachments/*/data").hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.HEAD, "/api/machines/*/attachments/*/data").hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.PUT, "/api/machines/*/attachments/*/data").hasRole(OPERATOR);
        // A guest's console may show what runs inside it (passwords typed at a prompt): like its disk bytes.
        rules.requestMatchers(HttpMethod.GET, "/api/machines/*/console").hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.POST, "/api/machines/*/start", "/api/machines/*/stop",
                "/api/machines/*/reset", "/api/fleets/*/start", "/api/fleets/*/stop", "/api/fleets/*/reset")
                .hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.POST, "/api/machines/*/snapshots", "/api/machines/*/snapshots/**")
                .hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.DELETE, "/api/machines/*/snapshots/**").hasRole(OPERATOR);
        rules.requestMatchers(EndpointRoles::isExport).hasRole(OPERATOR);

        // Viewer: every other read of the API (metadata).
        rules.requestMatchers(HttpMethod.GET, "/api/**").hasRole(VIEWER);
        rules.requestMatchers(HttpMethod.HEAD, "/api/**").hasRole(VIEWER);

        // Admin: everything else (images, machines, fleets, attachments; other actuator endpoints).
        rules.anyRequest().hasRole(ADMIN);
    }

    /** {@code /api/**}{@code /exports/**}: a path pattern cannot put {@code **} in the middle. */
    private static boolean isExport(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/api/") && (path + "/").contains("/exports/");
    }
}
