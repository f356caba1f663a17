package dev.diskfleet.api.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.security.autoconfigure.web.servlet.PathRequest;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The role table, by method and path (docs/security.md shows it). The first rule that matches decides;
 * roles include the ones below them (viewer &lt; operator &lt; admin), so each rule names the lowest role
 * allowed. Decided before any handler runs: a refusal never depends on whether the resource exists.
 *
 * <p>One rule per piece of data: whatever route serves it (a guest's console is served by its console
 * endpoint and by the event stream's {@code ?console=}) needs the same role. Reads are {@link #read}
 * rules: {@code HEAD} runs the {@code GET} handler, so it follows the {@code GET} rule. Every rule matches
 * the {@link NormalizedPath} (decoded), the path Spring MVC picks the handler by.
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
        rules.requestMatchers(read("/actuator/health", "/actuator/health/**")).permitAll();
        rules.requestMatchers(read("/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
                "/swagger-ui/**", "/swagger-ui.html", "/", "/index.html")).permitAll();
        rules.requestMatchers(PathRequest.toStaticResources().atCommonLocations()).permitAll();

        // Admin even for reads: who may do what, and what happened.
        rules.requestMatchers("/api/tokens/**", "/api/audit/**", "/api/storage/**").hasRole(ADMIN);

        // Operator: disk bytes, a guest's console (it may show what runs inside, passwords typed at a
        // prompt: like its disk bytes) on every route that serves it, power, snapshots, NBD exports.
        rules.requestMatchers(read("/api/images/*/content", "/api/machines/*/attachments/*/data",
                "/api/machines/*/console")).hasRole(OPERATOR);
        rules.requestMatchers(EndpointRoles::isConsoleStream).hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.PUT, "/api/machines/*/attachments/*/data").hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.POST, "/api/machines/*/start", "/api/machines/*/stop",
                "/api/machines/*/reset", "/api/fleets/*/start", "/api/fleets/*/stop", "/api/fleets/*/reset")
                .hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.POST, "/api/machines/*/snapshots", "/api/machines/*/snapshots/**")
                .hasRole(OPERATOR);
        rules.requestMatchers(HttpMethod.DELETE, "/api/machines/*/snapshots/**").hasRole(OPERATOR);
        rules.requestMatchers(EndpointRoles::isExport).hasRole(OPERATOR);

        // Viewer: every other read of the API (metadata).
        rules.requestMatchers(read("/api/**")).hasRole(VIEWER);

        // Admin: everything else (images, machines, fleets, attachments; other actuator endpoints).
        rules.anyRequest().hasRole(ADMIN);
    }

    /** {@code GET} or {@code HEAD} of one of the paths. */
    static RequestMatcher read(String... patterns) {
        List<RequestMatcher> paths = Arrays.stream(patterns)
                .map(pattern -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(pattern)).toList();
        return request -> isRead(request) && paths.stream().anyMatch(path -> path.matches(request));
    }

    private static boolean isRead(HttpServletRequest request) {
        return HttpMethod.GET.matches(request.getMethod()) || HttpMethod.HEAD.matches(request.getMethod());
    }

    /** The event stream with a guest's console lines in it ({@code GET /api/events?console=}). */
    private static boolean isConsoleStream(HttpServletRequest request) {
        String path = NormalizedPath.of(request);
        return isRead(request) && (path.equals("/api/events") || path.equals("/api/events/"))
                && request.getParameter("console") != null;
    }

    /** {@code /api/**}{@code /exports/**}: a path pattern cannot put {@code **} in the middle. */
    private static boolean isExport(HttpServletRequest request) {
        String path = NormalizedPath.of(request);
        return path.startsWith("/api/") && (path + "/").contains("/exports/");
    }
}
