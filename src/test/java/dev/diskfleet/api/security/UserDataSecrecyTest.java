package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.domain.audit.AuditEntry;
import dev.diskfleet.domain.audit.AuditEntryRepository;
import dev.diskfleet.domain.event.StoredEvent;
import dev.diskfleet.domain.event.StoredEventRepository;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Cloud-init user-data may hold secrets: no answer shows it, to a viewer, an operator or the admin who set
 * it (they see its SHA-256), and neither the audit log, the event journal, the stored idempotent answers nor
 * the service's log output records it.
 */
@SecuredServiceTest
@ExtendWith(OutputCaptureExtension.class)
class UserDataSecrecyTest {

    private static final String ADMIN = SecuredServiceTest.ADMIN_TOKEN;

    @LocalServerPort
    int port;

    @Autowired
    AuditEntryRepository audit;

    @Autowired
    StoredEventRepository events;

    @Autowired
    JdbcTemplate jdbc;

    BearerClient client;

    @BeforeEach
    void client() {
        client = new BearerClient(port);
    }

    @Test
    void userDataIsNeverShownNorRecordedOnlyItsSha256(CapturedOutput output) {
        String secret = "s3cret-" + UUID.randomUUID();
        String userData = "#cloud-config\\npassword: " + secret + "\\n";
        String operator = client.issue(ADMIN, "op-" + UUID.randomUUID(), "operator", null).get("token").asString();
        String viewer = client.issue(ADMIN, "view-" + UUID.randomUUID(), "viewer", null).get("token").asString();

        // Only an admin makes and changes machines; an operator powers them.
        HttpResponse<String> created = client.send("POST", "/api/machines", ADMIN, "{\"name\":\"secret-"
                + UUID.randomUUID() + "\",\"cloudInit\":{\"userData\":\"" + userData + "\"}}",
                "Idempotency-Key", UUID.randomUUID().toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String machine = BearerClient.json(created).path("id").asString();
        HttpResponse<String> patched = client.send("PATCH", "/api/machines/" + machine, ADMIN,
                "{\"cloudInit\":{\"userData\":\"" + userData + "# again\\n\"}}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        HttpResponse<String> tooLarge = client.send("POST", "/api/machines", ADMIN, "{\"name\":\"big-"
                + UUID.randomUUID() + "\",\"cloudInit\":{\"userData\":\"" + secret + "x".repeat(70_000) + "\"}}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(client.send("POST", "/api/machines/" + machine + "/start", operator, null).statusCode()).isEqualTo(200);

        HttpResponse<String> seenByViewer = client.get("/api/machines/" + machine, viewer);
        assertThat(seenByViewer.statusCode()).isEqualTo(200);
        JsonNode cloudInit = BearerClient.json(seenByViewer).path("cloudInit");
        assertThat(cloudInit.path("userDataSha256").asString()).hasSize(64);
        assertThat(cloudInit.has("userData")).isFalse();
        for (String token : new String[] {viewer, operator, ADMIN}) {
            assertThat(client.get("/api/machines/" + machine, token).body()).doesNotContain(secret);
            assertThat(client.get("/api/machines", token).body()).doesNotContain(secret);
        }
        assertThat(created.body() + patched.body() + tooLarge.body()).doesNotContain(secret);

        for (AuditEntry entry : audit.findAll()) {
            assertThat(entry.getPath() + entry.getMethod() + entry.getPrincipal() + entry.getClientAddress())
                    .doesNotContain(secret);
        }
        assertThat(audit.findAll()).as("the changes were audited").anyMatch(entry ->
                entry.getPath().equals("/api/machines/" + machine) && entry.getMethod().equals("PATCH"));
        assertThat(events.findAll()).extracting(StoredEvent::getDataJson).noneMatch(data -> data.contains(secret));
        assertThat(jdbc.queryForList("SELECT response_body FROM idempotency_keys", String.class))
                .noneMatch(body -> body != null && body.contains(secret));
        assertThat(output.getAll()).doesNotContain(secret);
    }
}
