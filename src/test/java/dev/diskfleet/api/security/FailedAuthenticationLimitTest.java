package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.TemporaryDataDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * A service started without a configured admin token (so it makes data/admin-token) and a low limit of
 * failed authentications: guessing tokens from one address, or one token's secret from many addresses,
 * soon gets 429 with Retry-After, while a valid token is never refused.
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
                .as("a valid token is never refused by the limit, even from a blocked address").isEqualTo(200);
        String viewer = client.issue(admin, "from-a-blocked-address", "viewer", null).get("token").asString();
        assertThat(client.get("/api/images", viewer).statusCode()).isEqualTo(200);
        assertThat(client.get("/api/images", viewer + "x").statusCode()).as("but a bad one still is").isEqualTo(429);
    }

    @Test
    void guessingOneTokensSecretFromRotatingAddressesIsCutOffButTheTokenItselfStillWorks() throws Exception {
        BearerClient client = new BearerClient(port);
        String admin = Files.readString(dataDir.resolve("admin-token")).trim();
        String token = client.issue(admin, "guessed-at", "operator", null).get("token").asString();
        // dft_<32 hex digits of the id>_<secret>: the secret's own base64url may hold '_' too
        String forged = token.substring(0, token.indexOf('_', "dft_".length()) + 1) + "A".repeat(43);

        for (int host = 2; host <= 4; host++) {
            assertThat(statusFrom("127.0.0." + host, forged)).as("guess from 127.0.0.%d", host).isEqualTo(401);
        }

        assertThat(statusFrom("127.0.0.5", forged)).as("a fresh address claiming the same token id").isEqualTo(429);
        assertThat(statusFrom("127.0.0.5", "dft_" + "0".repeat(32) + "_" + "A".repeat(43)))
                .as("another id from that address").isEqualTo(401);
        assertThat(statusFrom("127.0.0.5", token)).as("the real token is not locked out").isEqualTo(200);
        assertThat(statusFrom("127.0.0.2", token)).isEqualTo(200);
    }

    /** GET /api/images with a token over a connection from the given loopback address; the status code. */
    private int statusFrom(String localAddress, String token) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            String request = "GET /api/images HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
