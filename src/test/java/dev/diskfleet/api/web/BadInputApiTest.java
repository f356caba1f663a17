package dev.diskfleet.api.web;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.OffsetDateTime;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * What a new user's mistakes get over real HTTP: a clear 4xx problem+json naming what to change, never a
 * guess (a truncated float, two values glued together) and never a Java type in the detail. Also the
 * conditional-request and range rules, and the idempotency housekeeping.
 */
@TestPropertySource(properties = "diskfleet.idempotency.purge-interval=300ms")
class BadInputApiTest extends FullStackTest {

    private static final long MIB = 1 << 20;

    @Autowired
    JdbcClient jdbc;

    private static void assertNoJavaInternals(String detail) {
        assertThat(detail).doesNotContain("java.").doesNotContain("dev.diskfleet").doesNotContain("`")
                .doesNotContain("Request(").doesNotContain("/tmp/");
    }

    @Test
    void controlCharactersInNamesAndNameFiltersAre400() {
        assertThat(api.post("/api/images", body("name", "nul\u0000x", "sizeBytes", MIB)).expectProblem(400, "validation"))
                .contains("name").contains("control characters");
        api.post("/api/images", body("name", "ok", "description", "bell\u0007", "sizeBytes", MIB))
                .expectProblem(400, "validation");
        api.post("/api/machines", body("name", "tab\tname")).expectProblem(400, "validation");
        String machine = api.post("/api/machines", body("name", unique("m"))).expect(201).json().path("id").asString();
        api.patch("/api/machines/" + machine, body("name", "x\u0000")).expectProblem(400, "validation");
        api.post("/api/machines/" + machine + "/snapshots", body("name", "snap\u0000")).expectProblem(400, "validation");
        api.post("/api/fleets", body("name", "line\nbreak", "goldenImageId", UUID.randomUUID(), "size", 1,
                "machineNamePrefix", "p")).expectProblem(400, "validation");
        api.upload("POST", "/api/images/uploads?name=a%00b", BodyPublishers.ofByteArray(new byte[512]),
                "Content-Type", "application/octet-stream").expectProblem(400, "validation");
        api.get("/api/images?name=%00").expectProblem(400, "validation");
        api.get("/api/machines?name=%1F").expectProblem(400, "validation");

        // A description may keep its line breaks.
        api.post("/api/images", body("name", unique("multi-line"), "description", "line 1\nline 2", "sizeBytes", MIB))
                .expect(201);
    }

    @Test
    void percentAndUnderscoreInNameFiltersMatchLiterally() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        api.post("/api/machines", body("name", "pct%x" + tag)).expect(201);
        api.post("/api/machines", body("name", "pctAx" + tag)).expect(201);
        api.post("/api/machines", body("name", "und_y" + tag)).expect(201);
        api.post("/api/machines", body("name", "undBy" + tag)).expect(201);

        assertThat(api.get("/api/machines?name=pct%25x" + tag).expect(200).json().path("totalItems").asLong(-1))
                .isEqualTo(1);
        assertThat(api.get("/api/machines?name=und_y" + tag).expect(200).json().path("totalItems").asLong(-1))
                .isEqualTo(1);
        api.post("/api/images", body("name", "img_z" + tag, "sizeBytes", MIB)).expect(201);
        api.post("/api/images", body("name", "imgCz" + tag, "sizeBytes", MIB)).expect(201);
        assertThat(api.get("/api/images?name=img_z" + tag).expect(200).json().path("totalItems").asLong(-1))
                .isEqualTo(1);
    }

    @Test
    void aFloatForAWholeNumberIs400AndNamesTheFieldNotAJavaType() {
        Reply refused = api.upload("POST", "/api/images",
                BodyPublishers.ofString("{\"name\":\"f\",\"sizeBytes\":1048576.5}"), "Content-Type", "application/json");
        String detail = refused.expectProblem(400, "unreadable-body");
        assertThat(detail).contains("sizeBytes").contains("whole number");
        assertNoJavaInternals(detail);
        api.upload("POST", "/api/images", BodyPublishers.ofString("{\"name\":\"f\",\"sizeBytes\":1.0}"),
                "Content-Type", "application/json").expectProblem(400, "unreadable-body");

        for (String bad : new String[] {"{\"name\":[\"x\"],\"sizeBytes\":1048576}", "[1,2]", "{\"sizeBytes\":\"abc\"}",
            "{\"name\":", "\"text\""}) {
            String badDetail = api.upload("POST", "/api/images", BodyPublishers.ofString(bad),
                    "Content-Type", "application/json").expectProblem(400, "unreadable-body");
            assertNoJavaInternals(badDetail);
        }
    }

    @Test
    void aRepeatedQueryParameterIs400AndCreatesNothing() {
        String name = unique("twice");
        assertThat(api.get("/api/images?name=a&name=b").expectProblem(400, "repeated-parameter")).contains("'name'");
        api.get("/api/machines?page=0&page=1").expectProblem(400, "repeated-parameter");
        api.upload("POST", "/api/images/uploads?name=" + name + "&name=other", BodyPublishers.ofByteArray(new byte[512]),
                "Content-Type", "application/octet-stream").expectProblem(400, "repeated-parameter");
        assertThat(api.get("/api/images?name=" + name).expect(200).json().path("totalItems").asLong(-1)).isZero();
    }

    @Test
    void machinePatchComparesIfMatchStrongly() {
        Reply created = api.post("/api/machines", body("name", unique("strong"))).expect(201);
        String path = "/api/machines/" + created.json().path("id").asString();
        String etag = created.header("ETag").orElseThrow();

        api.patch(path, body("cpus", 2), "If-Match", "W/" + etag).expectProblem(412, "stale-etag");
        api.patch(path, body("cpus", 2), "If-Match", etag).expect(200);
    }

    @Test
    void fleetPatchAndDeleteHonourIfMatch() {
        String golden = api.post("/api/images", body("name", unique("golden"), "sizeBytes", 2 * MIB)).expect(201)
                .json().path("id").asString();
        String name = unique("fleet");
        Reply deploying = api.post("/api/fleets", body("name", name, "goldenImageId", golden, "size", 1,
                "machineNamePrefix", name)).expect(202);
        assertThat(api.awaitOperation(deploying.header("Location").orElseThrow()).path("state").asString())
                .isEqualTo("succeeded");
        String fleetId = api.get("/api/fleets").expect(200).json().path("items").valueStream()
                .filter(f -> f.path("name").asString().equals(name)).findFirst().orElseThrow().path("id").asString();
        String path = "/api/fleets/" + fleetId;
        String etag = api.get(path).expect(200).header("ETag").orElseThrow();

        api.patch(path, body("size", 2), "If-Match", "\"999\"").expectProblem(412, "stale-etag");
        api.patch(path, body("size", 2), "If-Match", "W/" + etag).expectProblem(412, "stale-etag");
        api.send("DELETE", path, "If-Match", "\"999\"").expectProblem(412, "stale-etag");
        assertThat(api.get(path).expect(200).json().path("machines").size()).isEqualTo(1);

        Reply scaling = api.patch(path, body("size", 2), "If-Match", etag).expect(202);
        api.awaitOperation(scaling.header("Location").orElseThrow());
        api.send("DELETE", path, "If-Match", etag).expectProblem(412, "stale-etag");
        String current = api.get(path).expect(200).header("ETag").orElseThrow();
        Reply deleting = api.send("DELETE", path, "If-Match", current).expect(202);
        assertThat(api.awaitOperation(deleting.header("Location").orElseThrow()).path("state").asString())
                .isEqualTo("succeeded");
        api.get(path).expectProblem(404, "not-found");
    }

    @Test
    void imageContentIgnoresAnInvalidRangeAndAnyIfRangeLikeGuestData() {
        byte[] disk = new byte[(int) MIB];
        new Random(3).nextBytes(disk);
        String id = api.upload("POST", "/api/images/uploads?name=" + unique("ranges"), BodyPublishers.ofByteArray(disk),
                "Content-Type", "application/octet-stream").expect(201).json().path("id").asString();
        String content = "/api/images/" + id + "/content";

        assertThat(api.get(content, "Range", "bytes=0-9").expect(206).bytes()).hasSize(10);
        assertThat(api.get(content, "Range", "bytes=0-9", "If-Range", "\"garbage\"").expect(200).bytes())
                .isEqualTo(disk);
        for (String ignored : new String[] {"bytes=9-3", "sectors=0-1", "bytes=a-b", "bytes=0-1,5-6"}) {
            Reply whole = api.get(content, "Range", ignored).expect(200);
            assertThat(whole.header("Content-Range")).as(ignored).isEmpty();
            assertThat(whole.bytes()).as(ignored).isEqualTo(disk);
        }
        api.get(content, "Range", "bytes=" + MIB + "-").expectProblem(416, "range-not-satisfiable");
    }

    @Test
    void anIdempotencyKeyWithAQueryStringOver2048CharactersWorks() {
        String padding = "x".repeat(2100);
        String path = "/api/images?pad=" + padding;
        String key = UUID.randomUUID().toString();
        String name = unique("long-target");

        Reply first = api.post(path, body("name", name, "sizeBytes", MIB), "Idempotency-Key", key).expect(201);
        Reply retry = api.post(path, body("name", name, "sizeBytes", MIB), "Idempotency-Key", key).expect(201);

        assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
        api.post("/api/images?pad=" + padding + "y", body("name", name, "sizeBytes", MIB), "Idempotency-Key", key)
                .expectProblem(422, "idempotency-key-reused");
    }

    @Test
    void expiredIdempotencyAnswersArePurgedWhileTheServiceRuns() throws InterruptedException {
        String key = "expired-" + UUID.randomUUID();
        jdbc.sql("INSERT INTO idempotency_keys (principal, idem_key, method, request_target, state, body_sha256, status, "
                        + "created_at, completed_at) VALUES ('admin', ?, 'POST', '/api/images', 'COMPLETED', 'x', 201, ?, ?)")
                .params(key, OffsetDateTime.now().minusDays(2), OffsetDateTime.now().minusDays(2)).update();
        String fresh = "fresh-" + UUID.randomUUID();
        jdbc.sql("INSERT INTO idempotency_keys (principal, idem_key, method, request_target, state, body_sha256, status, "
                        + "created_at, completed_at) VALUES ('admin', ?, 'POST', '/api/images', 'COMPLETED', 'x', 201, ?, ?)")
                .params(fresh, OffsetDateTime.now(), OffsetDateTime.now()).update();

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (count(key) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(count(key)).as("the expired answer is purged by the schedule").isZero();
        assertThat(count(fresh)).as("a fresh answer stays").isEqualTo(1);
    }

    private long count(String key) {
        return jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?").param(key).query(Long.class).single();
    }
}
