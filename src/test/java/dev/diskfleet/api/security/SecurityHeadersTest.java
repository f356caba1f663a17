package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.TemporaryDataDir;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * The web console's page, its scripts and API answers carry a Content-Security-Policy without inline
 * script and a Referrer-Policy; HSTS only on a secure request, here one a reverse proxy on loopback marked
 * {@code X-Forwarded-Proto: https} (the proxy setup docs/security.md describes).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "diskfleet.security.admin-token=" + SecurityHeadersTest.ADMIN, "server.forward-headers-strategy=native"})
@ContextConfiguration(initializers = TemporaryDataDir.class)
class SecurityHeadersTest {

    static final String ADMIN = "test-headers-admin-secret-0123456789abcdef";

    @LocalServerPort
    int port;

    @Test
    void theConsoleAndTheApiCarryAContentSecurityPolicyAndNoReferrer() {
        BearerClient client = new BearerClient(port);
        for (HttpResponse<String> response : List.of(client.get("/", null), client.get("/js/app.js", null),
                client.get("/api/images", ADMIN), client.get("/api/images", null))) {
            String what = response.request().uri().getPath() + " " + response.statusCode();
            String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(what).contains("default-src 'self'").contains("script-src 'self'")
                    .contains("object-src 'none'").contains("frame-ancestors 'none'").contains("base-uri 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(response.headers().firstValue("Referrer-Policy")).as(what).contains("no-referrer");
            assertThat(response.headers().firstValue("Strict-Transport-Security")).as("%s over plain HTTP", what)
                    .isEmpty();
        }
        assertThat(client.get("/", null).body()).as("the page has no inline script or handler")
                .doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContainPattern("\\son[a-z]+=");
    }

    @Test
    void behindATlsProxyTheAnswersCarryHsts() {
        BearerClient client = new BearerClient(port);
        for (String path : List.of("/", "/api/images")) {
            HttpResponse<String> response = client.send("GET", path, ADMIN, null, "X-Forwarded-Proto", "https");
            assertThat(response.headers().firstValue("Strict-Transport-Security").orElse("")).as(path)
                    .contains("max-age=31536000").contains("includeSubDomains");
        }
    }
}
