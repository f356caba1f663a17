package dev.diskfleet.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import dev.diskfleet.support.HeldRequestEndpoint;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class IdempotencyKeyTest extends FullStackTest {

    @Autowired
    HeldRequestEndpoint held;

    private static String imageJson(String name, long size) {
        return "{\"name\":\"" + name + "\",\"sizeBytes\":" + size + "}";
    }

    private long imagesNamed(String name) {
        return api.get("/api/images?name=" + name).json().get("totalItems").asLong();
    }

    @Test
    void aRetriedCreateWithTheSameKeyReturnsTheFirstAnswerAndCreatesOneImage() {
        String name = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();

        Reply first = api.post("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key);
        Reply retry = api.post("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key);

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(retry.header("ETag")).isEqualTo(first.header("ETag"));
        assertThat(retry.header("Content-Type").orElseThrow()).contains("json");
        assertThat(retry.text()).isEqualTo(first.text());
        assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
        assertThat(first.header("Idempotent-Replayed")).isEmpty();
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithADifferentBodyIsRefusedWith422AndCreatesNothing() {
        String name = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        assertThat(api.post("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key).status()).isEqualTo(201);

        Reply reused = api.post("/api/images", imageJson(name, 2 << 20), "Idempotency-Key", key);

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.header("Content-Type")).hasValue("application/problem+json");
        assertThat(reused.json().get("type").asString()).endsWith("/idempotency-key-reused");
        assertThat(reused.json().get("detail").asString()).contains(key).contains("new key");
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void theSameKeyOnAnotherPathIsRefusedWith422() {
        String key = UUID.randomUUID().toString();
        assertThat(api.post("/api/images", imageJson("idem-" + UUID.randomUUID(), 1 << 20), "Idempotency-Key", key)
                .status()).isEqualTo(201);

        Reply reused = api.post("/api/test/held", "{}", "Idempotency-Key", key);

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.json().get("detail").asString()).contains("POST /api/images");
    }

    @Test
    void anErrorAnswerReleasesTheKeySoTheCorrectedRequestRuns() {
        String name = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();

        Reply invalid = api.post("/api/images", "{\"name\":\"" + name + "\"}", "Idempotency-Key", key);
        Reply corrected = api.post("/api/images", imageJson(name, 1 << 20), "Idempotency-Key", key);

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(corrected.status()).isEqualTo(201);
        assertThat(corrected.header("Idempotent-Replayed")).isEmpty();
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void aRequestArrivingWhileTheFirstWithItsKeyRunsGets409AndTheFirstStillCompletes() throws Exception {
        String key = UUID.randomUUID().toString();
        held.arm();
        int runsBefore = held.runs();
        CompletableFuture<Reply> first = CompletableFuture.supplyAsync(
                () -> api.post("/api/test/held", "{\"a\":1}", "Idempotency-Key", key));
        assertThat(held.awaitEntered()).isTrue();

        Reply second = api.post("/api/test/held", "{\"a\":1}", "Idempotency-Key", key);
        held.release();

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("type").asString()).endsWith("/idempotency-key-in-progress");
        assertThat(first.get().status()).isEqualTo(201);
        Reply afterwards = api.post("/api/test/held", "{\"a\":1}", "Idempotency-Key", key);
        assertThat(afterwards.status()).isEqualTo(201);
        assertThat(afterwards.header("Idempotent-Replayed")).hasValue("true");
        assertThat(held.runs() - runsBefore).isEqualTo(1);
    }

    @Test
    void aRetriedStreamingUploadIsComparedByItsHashAndStoredOnce() {
        String name = "idem-upload-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        byte[] disk = new byte[3 << 20];
        new java.util.Random(7).nextBytes(disk);
        java.util.function.Function<byte[], Reply> upload = body -> api.upload("POST",
                "/api/images/uploads?name=" + name, BodyPublishers.ofByteArray(body),
                "Content-Type", "application/octet-stream", "Idempotency-Key", key);

        Reply first = upload.apply(disk);
        Reply retry = upload.apply(disk);
        byte[] other = disk.clone();
        other[other.length - 1] ^= 1;
        Reply changed = upload.apply(other);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(changed.status()).isEqualTo(422);
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void twoIdenticalPutUploadsWithAKeyMakeOneImage() {
        String name = "idem-put-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        byte[] disk = new byte[1 << 20];
        new java.util.Random(11).nextBytes(disk);
        java.util.function.Supplier<Reply> put = () -> api.upload("PUT", "/api/images/uploads?name=" + name,
                BodyPublishers.ofByteArray(disk), "Content-Type", "application/octet-stream", "Idempotency-Key", key);

        Reply first = put.get();
        Reply retry = put.get();

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isEmpty();
        assertThat(retry.status()).as(retry.text()).isEqualTo(201);
        assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        assertThat(imagesNamed(name)).isEqualTo(1);
    }

    @Test
    void aMalformedKeyIsA400Problem() {
        Reply response = api.post("/api/images", imageJson("idem-bad", 1 << 20),
                "Idempotency-Key", "x".repeat(300));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("type").asString()).endsWith("/invalid-idempotency-key");
    }

    @Test
    void postsWithoutAKeyAreNotDeduplicated() {
        String name = "idem-" + UUID.randomUUID();
        api.post("/api/images", imageJson(name, 1 << 20));
        api.post("/api/images", imageJson(name, 1 << 20));

        assertThat(imagesNamed(name)).isEqualTo(2);
    }
}
