package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.domain.audit.AuditEntry;
import dev.diskfleet.domain.audit.AuditEntryRepository;
import dev.diskfleet.provisioning.audit.AuditRetention;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Changes and refusals land in the audit log with who, what, how it ended and from where; entries past the
 * retention (90 days by default) are purged.
 */
@SecuredServiceTest
class AuditLogTest {

    private static final String ADMIN = SecuredServiceTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    AuditEntryRepository entries;

    @Autowired
    AuditRetention retention;

    BearerClient client;

    @BeforeEach
    void client() {
        client = new BearerClient(port);
    }

    @Test
    void aChangeIsRecordedWithTheTokensNameAndId() {
        String name = "auditor-" + UUID.randomUUID();
        JsonNode issued = client.issue(ADMIN, name, "admin", null);
        String token = issued.get("token").asString();
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> created = client.send("POST", "/api/machines?ignored=query", token,
                "{\"name\":\"audited-" + UUID.randomUUID() + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);

        JsonNode entries = entriesOf(name, before);
        assertThat(entries.size()).isEqualTo(1);
        JsonNode entry = entries.get(0);
        assertThat(entry.get("principal").asString()).isEqualTo(name);
        assertThat(entry.get("principalKind").asString()).isEqualTo("token");
        assertThat(entry.get("tokenId").asString()).isEqualTo(issued.get("id").asString());
        assertThat(entry.get("method").asString()).isEqualTo("POST");
        assertThat(entry.get("path").asString()).isEqualTo("/api/machines");
        assertThat(entry.get("status").asInt()).isEqualTo(201);
        assertThat(entry.get("clientAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(Instant.parse(entry.get("time").asString())).isAfter(before);
    }

    @Test
    void refusalsAreRecordedReadsAreNot() throws InterruptedException {
        String name = "refused-" + UUID.randomUUID();
        String viewer = client.issue(ADMIN, name, "viewer", null).get("token").asString();
        Instant before = Instant.now().minusSeconds(1);
        String target = "/api/images/" + UUID.randomUUID();
        int anonymousBefore = anonymousRefusals();

        assertThat(client.get("/api/images", viewer).statusCode()).isEqualTo(200);
        assertThat(client.send("DELETE", target, viewer, null).statusCode()).isEqualTo(403);
        assertThat(client.send("DELETE", target, null, null).statusCode()).isEqualTo(401);

        JsonNode mine = entriesOf(name, before);
        assertThat(mine.size()).as("the read is not recorded, the refusal is: " + mine).isEqualTo(1);
        assertThat(mine.get(0).get("status").asInt()).isEqualTo(403);
        assertThat(mine.get(0).get("method").asString()).isEqualTo("DELETE");
        assertThat(mine.get(0).get("path").asString()).isEqualTo(target);

        // Refusals from one address are one entry per window, counted; its count is written within a second.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (anonymousRefusals() == anonymousBefore && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(anonymousRefusals()).isEqualTo(anonymousBefore + 1);
    }

    /** The anonymous 401s from this address the log counts, over its newest entries. */
    private int anonymousRefusals() {
        HttpResponse<String> page = client.get("/api/audit?principal=anonymous&size=500", ADMIN);
        return StreamSupport.stream(BearerClient.json(page).get("items").spliterator(), false)
                .filter(e -> e.get("status").asInt() == 401 && e.get("principalKind").asString().equals("anonymous")
                        && e.get("clientAddress").asString().equals("127.0.0.1"))
                .mapToInt(e -> e.get("count").asInt()).sum();
    }

    @Test
    void theTimeFilterLeavesOutEntriesOutsideTheWindow() {
        String name = "windowed-" + UUID.randomUUID();
        String viewer = client.issue(ADMIN, name, "viewer", null).get("token").asString();
        client.send("DELETE", "/api/images/" + UUID.randomUUID(), viewer, null);

        HttpResponse<String> later = client.get("/api/audit?principal=" + name + "&from="
                + Instant.now().plusSeconds(60), ADMIN);
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(BearerClient.json(later).get("items").size()).isZero();
        assertThat(BearerClient.json(later).get("totalItems").asLong()).isZero();
    }

    @Test
    void thePurgeRemovesEntriesOlderThanTheRetentionOnly() {
        String name = "old-" + UUID.randomUUID();
        Actor actor = new Actor(Actor.Kind.JWT, name, null);
        AuditEntry old = entries.save(new AuditEntry(OffsetDateTime.now().minusDays(91), actor, "POST", "/api/x", 201,
                "127.0.0.1"));
        AuditEntry recent = entries.save(new AuditEntry(OffsetDateTime.now().minusDays(89), actor, "POST", "/api/x",
                201, "127.0.0.1"));

        retention.purge();

        assertThat(entries.findById(old.getId())).isEmpty();
        assertThat(entries.findById(recent.getId())).isPresent();
    }

    private JsonNode entriesOf(String principal, Instant from) {
        HttpResponse<String> page = client.get("/api/audit?principal=" + principal + "&from=" + from + "&size=100",
                ADMIN);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return BearerClient.json(page).get("items");
    }
}
