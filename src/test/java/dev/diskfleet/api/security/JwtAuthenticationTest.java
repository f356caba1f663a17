package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.diskfleet.support.TemporaryDataDir;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The identity-provider path: an RSA key made here, its public half served as a JWK set on loopback
 * (as a provider's jwks_uri would), JWTs signed with it; the role comes from the {@code diskfleet_role} claim.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "diskfleet.security.admin-token=" + JwtAuthenticationTest.ADMIN)
@ContextConfiguration(initializers = TemporaryDataDir.class)
class JwtAuthenticationTest {

    static final String ADMIN = "jwt-test-bootstrap-admin-secret-0123456789";
    static final RSAKey KEY = generate();
    static final RSAKey OTHER_KEY = generate();
    static final HttpServer JWKS = serve(new JWKSet(KEY.toPublicJWK()));

    @LocalServerPort
    int port;

    BearerClient client;

    @DynamicPropertySource
    static void identityProvider(DynamicPropertyRegistry registry) {
        registry.add("diskfleet.security.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks.json");
    }

    @AfterAll
    static void stop() {
        JWKS.stop(0);
    }

    @BeforeEach
    void client() {
        client = new BearerClient(port);
    }

    @Test
    void aViewerJwtReadsMetadataButCannotDelete() {
        String jwt = sign(KEY, "alice@example.org", "viewer", Instant.now().plusSeconds(300));
        assertThat(client.get("/api/images", jwt).statusCode()).isEqualTo(200);
        assertThat(client.send("DELETE", "/api/images/" + UUID.randomUUID(), jwt, null).statusCode()).isEqualTo(403);
        assertThat(client.get("/api/images/" + UUID.randomUUID() + "/content", jwt).statusCode()).isEqualTo(403);
    }

    @Test
    void anAdminJwtMayChangeThingsAndTheAuditNamesItsSubject() {
        String subject = "ops-" + UUID.randomUUID();
        String jwt = sign(KEY, subject, "admin", Instant.now().plusSeconds(300));
        HttpResponse<String> created = client.send("POST", "/api/machines", jwt,
                "{\"name\":\"jwt-" + UUID.randomUUID() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);

        JsonNode entries = BearerClient.json(client.get("/api/audit?principal=" + subject, ADMIN)).get("items");
        assertThat(entries.size()).isEqualTo(1);
        assertThat(entries.get(0).get("principalKind").asString()).isEqualTo("jwt");
        assertThat(entries.get(0).get("status").asInt()).isEqualTo(201);
    }

    @Test
    void anExpiredJwtIsRefusedWith401() {
        // beyond the 60 s clock skew a validator allows
        String jwt = sign(KEY, "late", "admin", Instant.now().minusSeconds(600));
        HttpResponse<String> response = client.get("/api/images", jwt);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
    }

    @Test
    void aJwtSignedWithAnotherKeyIsRefusedWith401() {
        String jwt = sign(OTHER_KEY, "mallory", "admin", Instant.now().plusSeconds(300));
        assertThat(client.get("/api/images", jwt).statusCode()).isEqualTo(401);
    }

    @Test
    void aJwtWithoutAKnownRoleMayDoNothing() {
        String jwt = sign(KEY, "nobody", "superuser", Instant.now().plusSeconds(300));
        assertThat(client.get("/api/images", jwt).statusCode()).isEqualTo(403);
    }

    private static String sign(RSAKey key, String subject, String role, Instant expiry) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).claim("diskfleet_role", role)
                    .issueTime(Date.from(expiry.minusSeconds(900))).expirationTime(Date.from(expiry)).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer serve(JWKSet keys) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = keys.toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks.json", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
