package dev.diskfleet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.FleetServiceTestSupport;
import dev.diskfleet.HeldRequestEndpoint;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class IdempotencyKeyTest extends FleetServiceTestSupport {

    @Autowired
    HeldRequestEndpoint held;

    private static String imageJson(String name, long size) {
        return "{\"name\":\"" + name + "\",\"sizeBytes\":" + size + "}";
    }

    private long imagesNamed(String name) {
        return json(get("/api/images?name=" + name)).get("totalItems").asLong();
    }

    @Test
    void aRetriedCreateWithTheSameKeyReturnsTheFirstAnswerAndCreatesOneImage() {
        String name = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = postJson("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key);
        HttpResponse<String> retry = postJson("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
        assertThat(retry.headers().firstValue("Content-Type").orElseThrow()).contains("json");
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithADifferentBodyIsRefusedWith422AndCreatesNothing() {
        String name = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        assertThat(postJson("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key).statusCode()).isEqualTo(201);

        HttpResponse<String> reused = postJson("/api/images", imageJson(name, 2 << 20), "Idempotency-Key", key);

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(reused).get("type").asString()).endsWith("/idempotency-key-reused");
        assertThat(json(reused).get("detail").asString()).contains(key).contains("new key");
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void theSameKeyOnAnotherPathIsRefusedWith422() {
        String key = UUID.randomUUID().toString();
        assertThat(postJson("/api/images", imageJson("idem-" + UUID.randomUUID(), 1 << 20), "Idempotency-Key", key)
                .statusCode()).isEqualTo(201);

        HttpResponse<String> reused = postJson("/api/test/held", "{}", "Idempotency-Key", key);

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(json(reused).get("detail").asString()).contains("POST /api/images");
    }

    @Test
    void anErrorAnswerReleasesTheKeySoTheCorrectedRequestRuns() {
        String name = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();

        HttpResponse<String> invalid = postJson("/api/images", "{\"name\":\"" + name + "\"}", "Idempotency-Key", key);
        HttpResponse<String> corrected = postJson("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key);

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(corrected.statusCode()).isEqualTo(201);
        assertThat(corrected.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void aRequestArrivingWhileTheFirstWithItsKeyRunsGets409AndTheFirstStillCompletes() throws Exception {
        String key = UUID.randomUUID().toString();
        held.arm();
        int runsBefore = held.runs();
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(request("/api/test/held")
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(held.awaitEntered()).isTrue();

        HttpResponse<String> second = postJson("/api/test/held", "{\"a\":1}", "Idempotency-Key", key);
        held.release();

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).get("type").asString()).endsWith("/idempotency-key-in-progress");
        assertThat(first.get().statusCode()).isEqualTo(201);
        HttpResponse<String> afterwards = postJson("/api/test/held", "{\"a\":1}", "Idempotency-Key", key);
        assertThat(afterwards.statusCode()).isEqualTo(201);
        assertThat(afterwards.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(held.runs() - runsBefore).isEqualTo(1);
    }

    @Test
    void aRetriedStreamingUploadIsComparedByItsHashAndStoredOnce() {
        String name = "idem-upload-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        byte[] disk = new byte[3 << 20];
        new java.util.Random(7).nextBytes(disk);
        java.util.function.Function<byte[], HttpResponse<String>> upload = body -> send(request(
                "/api/images/uploads?name=" + name).header("Content-Type", "application/octet-stream")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

        HttpResponse<String> first = upload.apply(disk);
        HttpResponse<String> retry = upload.apply(disk);
        byte[] other = disk.clone();
        other[other.length - 1] ^= 1;
        HttpResponse<String> changed = upload.apply(other);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(changed.statusCode()).isEqualTo(422);
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void aMalformedKeyIsA400Problem() {
        HttpResponse<String> response = postJson("/api/images", imageJson("idem-bad", 1 << 20),
                "Idempotency-Key", "x".repeat(300));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("type").asString()).endsWith("/invalid-idempotency-key");
    }

    @Test
    void postsWithoutAKeyAreNotDeduplicated() {
        String name = "idem-" + UUID.randomUUID();
        postJson("/api/images", imageJson(name, 1 << 20));
        postJson("/api/images", imageJson(name, 1 << 20));

        assertThat(imagesNamed(name)).isEqualTo(2);
    }
}
