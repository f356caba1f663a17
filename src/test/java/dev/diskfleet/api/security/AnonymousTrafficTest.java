package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.domain.audit.AuditEntry;
import dev.diskfleet.domain.audit.AuditEntryRepository;
import dev.diskfleet.provisioning.audit.AuditRetention;
import dev.diskfleet.support.TemporaryDataDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Requests without a token cannot grow the database: past diskfleet.security.anonymous-limit refusals an
 * address gets 429, refusals are one counted audit row per address and window, the table keeps at most
 * diskfleet.security.audit-max-rows entries, and an overlong path is recorded cut.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "diskfleet.security.admin-token=" + AnonymousTrafficTest.ADMIN,
    "diskfleet.security.anonymous-limit=100",
    "diskfleet.security.anonymous-window=10m",
    "diskfleet.security.audit-refusal-window=10m",
    "diskfleet.security.audit-max-rows=1000"})
@ContextConfiguration(initializers = TemporaryDataDir.class)
class AnonymousTrafficTest {

    static final String ADMIN = "test-anonymous-traffic-admin-0123456789abcdef";

    @LocalServerPort
    int port;

    @Value("${diskfleet.data-dir}")
    Path dataDir;

    @Autowired
    AuditEntryRepository entries;

    @Autowired
    AuditRetention retention;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void tenThousandRequestsWithoutATokenAddAFewAuditRowsAndLittleData() throws Exception {
        long rowsBefore = anonymousRows();
        long bytesBefore = folderBytes();

        Map<Integer, Integer> statuses = new HashMap<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 10_000; i++) {
            last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/images?n=" + i))
                    .build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(last.statusCode(), 1, Integer::sum);
        }

        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(401, 100, 429, 9_900));
        assertThat(last.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 600L);
        assertThat(BearerClient.json(last).get("type").asString())
                .isEqualTo("https://diskfleet.dev/problems/too-many-anonymous-requests");
        HttpResponse<String> withToken = new BearerClient(port).get("/api/images", ADMIN);
        assertThat(withToken.statusCode()).as("a client with a token is not held up").isEqualTo(200);

        Thread.sleep(2_000); // the counts are written each second
        assertThat(anonymousRows() - rowsBefore).as("audit rows added").isBetween(1L, 4L);
        JsonNode anonymous = BearerClient.json(new BearerClient(port).get("/api/audit?principal=anonymous", ADMIN))
                .get("items");
        Map<Integer, Integer> counted = new HashMap<>();
        anonymous.forEach(entry -> counted.merge(entry.get("status").asInt(), entry.get("count").asInt(), Integer::sum));
        assertThat(counted).containsExactlyInAnyOrderEntriesOf(Map.of(401, 100, 429, 9_900));
        assertThat(folderBytes() - bytesBefore).as("growth of the data folder").isLessThan(5L << 20);
    }

    @Test
    void aPathOf5000CharactersIsRecordedCutTo2048() {
        String path = "/api/" + "a".repeat(5_000);
        HttpResponse<String> response = new BearerClient(port).send("POST", path, ADMIN, "{}");
        assertThat(response.statusCode()).isBetween(400, 499);

        List<AuditEntry> recorded = entries.findAll().stream()
                .filter(entry -> entry.getPath().startsWith("/api/aaaa")).toList();
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).getPath()).hasSize(AuditEntry.MAX_PATH).isEqualTo(path.substring(0, 2048));
        assertThat(recorded.get(0).getStatus()).isEqualTo(response.statusCode());
    }

    @Test
    void pastTheMostRowsKeptTheOldestGo() {
        Actor actor = new Actor(Actor.Kind.JWT, "bulk-" + UUID.randomUUID(), null);
        OffsetDateTime start = OffsetDateTime.now().minusDays(1);
        List<AuditEntry> bulk = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            bulk.add(new AuditEntry(start.plusSeconds(i), actor, "POST", "/api/x", 201, "127.0.0.1"));
        }
        entries.saveAll(bulk);
        AuditEntry newest = entries.save(new AuditEntry(OffsetDateTime.now(), actor, "POST", "/api/y", 201,
                "127.0.0.1"));

        retention.trim();

        assertThat(entries.count()).isLessThanOrEqualTo(1_000);
        assertThat(entries.findById(newest.getId())).isPresent();
        assertThat(entries.findById(bulk.get(0).getId())).as("the oldest").isEmpty();
    }

    private long anonymousRows() {
        return entries.findAll().stream().filter(entry -> entry.getPrincipal().equals("anonymous")).count();
    }

    private long folderBytes() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
