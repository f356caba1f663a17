package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.TemporaryDataDir;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * A service started without a configured admin token (so it makes data/admin-token) and a low limit of
 * failed authentications: guessing tokens from one address soon gets 429 with Retry-After.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"diskfleet.security.admin-token=", "diskfleet.security.failed-auth-limit=3",
            "diskfleet.security.failed-auth-window=10m"})
@ContextConfiguration(initializers = TemporaryDataDir.class)
class FailedAuthenticationLimitTest {

    @LocalServerPort
    int port;

    @Value("${diskfleet.data-dir}")
    Path dataDir;

    @Test
    void theGeneratedAdminTokenWorksAndGuessingIsCutOffWith429() throws Exception {
        BearerClient client = new BearerClient(port);
        String admin = Files.readString(dataDir.resolve("admin-token")).trim();
        assertThat(client.get("/api/tokens", admin).statusCode()).isEqualTo(200);
        assertThat(client.get("/api/images", null).statusCode()).as("no token is no guess").isEqualTo(401);

        for (int guess = 0; guess < 3; guess++) {
            assertThat(client.get("/api/images", "dft_guess" + guess).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> cutOff = client.get("/api/images", "dft_guess4");

        assertThat(cutOff.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(cutOff.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 600L);
        assertThat(cutOff.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(BearerClient.json(cutOff).get("type").asString())
                .isEqualTo("https://diskfleet.dev/problems/too-many-failed-authentications");
        assertThat(client.get("/api/tokens", admin).statusCode())
                .as("the address is blocked for every token until the window ends").isEqualTo(429);
    }
}
