package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Uploads labelled as HTML forms are refused; idempotency keys belong to the caller that sent them. */
@SecuredServiceTest
class HardeningTest {

    private static final String ADMIN = SecuredServiceTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    BearerClient client;

    @BeforeEach
    void client() {
        client = new BearerClient(port);
    }

    @Test
    void formEncodedAndMultipartUploadsAreRefusedWith415() {
        byte[] body = "name=evil&x=1".getBytes(StandardCharsets.US_ASCII);
        String path = "/api/images/uploads?name=form-" + UUID.randomUUID();
        for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
            for (String method : new String[] {"POST", "PUT"}) {
                HttpResponse<String> response = client.sendBytes(method, path, ADMIN, type, body);
                assertThat(response.statusCode()).as("%s %s", method, type).isEqualTo(415);
                assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                        .startsWith("application/problem+json");
                assertThat(BearerClient.json(response).get("type").asString())
                        .isEqualTo("https://diskfleet.dev/problems/unsupported-media-type");
            }
        }
        assertThat(client.sendBytes("POST", path, null, "application/x-www-form-urlencoded", body).statusCode())
                .as("without a token the answer is 401, not a hint about the body").isEqualTo(401);
        assertThat(BearerClient.json(client.get("/api/images?name=form-", ADMIN)).get("totalItems").asLong()).isZero();
    }

    @Test
    void oneCallersIdempotencyKeyIsNotReplayedToAnother() {
        String alice = client.issue(ADMIN, "alice", "admin", null).get("token").asString();
        String bob = client.issue(ADMIN, "bob", "admin", null).get("token").asString();
        String key = UUID.randomUUID().toString();
        String aliceBody = "{\"name\":\"alice-" + key + "\"}";

        HttpResponse<String> first = client.send("POST", "/api/machines", alice, aliceBody, "Idempotency-Key", key);
        HttpResponse<String> bobs = client.send("POST", "/api/machines", bob, "{\"name\":\"bob-" + key + "\"}",
                "Idempotency-Key", key);
        HttpResponse<String> aliceAgain = client.send("POST", "/api/machines", alice, aliceBody, "Idempotency-Key", key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(bobs.statusCode()).as("bob's request runs as his own: " + bobs.body()).isEqualTo(201);
        assertThat(bobs.headers().firstValue("Idempotent-Replayed")).isEmpty();
        JsonNode bobsMachine = BearerClient.json(bobs);
        assertThat(bobsMachine.get("name").asString()).isEqualTo("bob-" + key);
        assertThat(aliceAgain.statusCode()).isEqualTo(201);
        assertThat(aliceAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(aliceAgain.body()).isEqualTo(first.body());
    }
}
