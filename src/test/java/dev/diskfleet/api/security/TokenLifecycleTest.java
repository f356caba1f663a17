package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.diskfleet.support.MovableClock;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Tokens over HTTP: issued, used, listed without secrets, revoked, expired; and the 401/403 answers. */
@SecuredServiceTest
@ExtendWith(OutputCaptureExtension.class)
class TokenLifecycleTest {

    private static final String ADMIN = SecuredServiceTest.ADMIN_TOKEN;
    private static final String PROBLEMS = "https://diskfleet.dev/problems/";

    @LocalServerPort
    int port;

    @Autowired
    MovableClock clock;

    BearerClient client;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @BeforeEach
    void client() {
        client = new BearerClient(port);
    }

    @Test
    void anIssuedTokenWorksUntilItIsRevokedAndThenIsRefusedAtOnce() {
        JsonNode issued = client.issue(ADMIN, "revoke-me", "viewer", null);
        String token = issued.get("token").asString();
        String id = issued.get("id").asString();
        assertThat(token).matches("dft_" + id.replace("-", "") + "_[A-Za-z0-9_-]{43}");
        assertThat(client.get("/api/images", token).statusCode()).isEqualTo(200);

        assertThat(client.send("DELETE", "/api/tokens/" + id, ADMIN, null).statusCode()).isEqualTo(204);

        assertThat(client.get("/api/images", token).statusCode()).isEqualTo(401);
        JsonNode listed = BearerClient.json(client.get("/api/tokens/" + id, ADMIN));
        assertThat(listed.get("revokedAt").isNull()).as("revokedAt is set: " + listed).isFalse();
        assertThat(client.send("DELETE", "/api/tokens/" + UUID.randomUUID(), ADMIN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aTokenWithTheRightIdButAnotherSecretIsRefused() {
        String token = client.issue(ADMIN, "forged", "admin", null).get("token").asString();
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThat(client.get("/api/images", forged).statusCode()).isEqualTo(401);
        assertThat(client.get("/api/images", token).statusCode()).isEqualTo(200);
    }

    @Test
    void listingShowsNoSecretAndNoHashAndNothingLogsTheSecret(CapturedOutput output) {
        JsonNode issued = client.issue(ADMIN, "listed", "operator", null);
        String token = issued.get("token").asString();
        client.get("/api/images", token);
        client.send("POST", "/api/machines/" + UUID.randomUUID() + "/start", token, null);
        client.get("/api/images", token + "x");

        HttpResponse<String> list = client.get("/api/tokens?size=500", ADMIN);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(token).doesNotContain(ADMIN);
        for (JsonNode item : BearerClient.json(list).get("items")) {
            List<String> fields = new ArrayList<>(item.propertyNames());
            assertThat(fields).containsExactlyInAnyOrder("id", "name", "role", "createdAt", "expiresAt", "revokedAt");
        }
        String secretPart = token.substring(token.lastIndexOf('_') + 1);
        assertThat(output.getAll()).doesNotContain(secretPart).doesNotContain(ADMIN);
    }

    @Test
    void anExpiredTokenIsRefusedAndAnExpiryInThePastIsNotAccepted() {
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        String token = client.issue(ADMIN, "short-lived", "viewer", expiry.toString()).get("token").asString();
        String lasting = client.issue(ADMIN, "lasting", "viewer", null).get("token").asString();
        assertThat(client.get("/api/images", token).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofHours(1));

        assertThat(client.get("/api/images", token).statusCode()).as("at its expiry").isEqualTo(401);
        assertThat(client.get("/api/images", lasting).statusCode()).as("a token without expiry").isEqualTo(200);
        HttpResponse<String> past = client.send("POST", "/api/tokens", ADMIN,
                "{\"name\":\"past\",\"role\":\"viewer\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
        assertThat(past.statusCode()).isEqualTo(400);
    }

    @Test
    void withoutATokenTheAnswerIsA401ProblemWithABearerChallenge() {
        HttpResponse<String> missing = client.get("/api/machines", null);
        HttpResponse<String> wrong = client.get("/api/machines", "dft_not-a-token");

        for (HttpResponse<String> response : List.of(missing, wrong)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            JsonNode problem = BearerClient.json(response);
            assertThat(problem.get("type").asString()).isEqualTo(PROBLEMS + "unauthorized");
            assertThat(problem.get("title").asString()).isEqualTo("Unauthorized");
            assertThat(problem.get("status").asInt()).isEqualTo(401);
            assertThat(problem.get("instance").asString()).isEqualTo("/api/machines");
            assertThat(problem.get("detail").asString()).isNotBlank();
        }
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    }

    @Test
    void aRoleTooLowGetsA403ProblemThatDoesNotTellWhetherTheResourceExists() {
        String viewer = client.issue(ADMIN, "too-low", "viewer", null).get("token").asString();
        HttpResponse<String> created = client.send("POST", "/api/machines", ADMIN,
                "{\"name\":\"exists-" + UUID.randomUUID() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String existing = created.headers().firstValue("Location").orElseThrow();

        HttpResponse<String> onExisting = client.send("DELETE", existing, viewer, null);
        HttpResponse<String> onMissing = client.send("DELETE", "/api/machines/" + UUID.randomUUID(), viewer, null);

        assertThat(onExisting.statusCode()).isEqualTo(403);
        assertThat(onMissing.statusCode()).isEqualTo(403);
        assertThat(onExisting.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = BearerClient.json(onExisting);
        assertThat(problem.get("type").asString()).isEqualTo(PROBLEMS + "forbidden");
        assertThat(problem.get("status").asInt()).isEqualTo(403);
        assertThat(problem.get("detail").asString()).isEqualTo(BearerClient.json(onMissing).get("detail").asString());
        assertThat(client.get(existing, viewer).statusCode()).as("the machine is still there").isEqualTo(200);
    }

    @Test
    void theBootstrapAdminCanIssueAdminTokensThatCanIssueMore() {
        String admin = client.issue(ADMIN, "second-admin", "admin", null).get("token").asString();
        JsonNode third = client.issue(admin, "third", "operator", null);
        assertThat(third.get("role").asString()).isEqualTo("operator");
        assertThat(client.get("/api/audit", admin).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenNameWithControlCharactersIsRefusedWith400AndNoTokenIsIssued() {
        for (String name : List.of("line\\nbreak", "nul\\u0000x", "tab\\tname", "bell\\u0007")) {
            HttpResponse<String> refused = client.send("POST", "/api/tokens", ADMIN,
                    "{\"name\":\"" + name + "\",\"role\":\"viewer\"}");

            assertThat(refused.statusCode()).as(name).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            JsonNode problem = BearerClient.json(refused);
            assertThat(problem.get("type").asString()).isEqualTo(PROBLEMS + "validation");
            assertThat(problem.get("detail").asString()).contains("name").contains("control characters");
        }
        assertThat(client.get("/api/tokens?size=500", ADMIN).body()).doesNotContain("line\\n").doesNotContain("bell");
    }
}
