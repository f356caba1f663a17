package dev.diskfleet.api.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.Postgres;
import dev.diskfleet.support.SseClient;
import dev.diskfleet.support.TemporaryDataDir;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two services on one PostgreSQL database, each with its own storage root. Without cluster settings the
 * second would take the first's image files for missing (and the first the second's): it must refuse to
 * start, naming the first, before it touches anything. With {@code diskfleet.cluster.enabled} both run as
 * nodes, each lists both and each streams the other's events.
 */
class SharedDatabasePostgresTest {

    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();
    private String schema;

    @BeforeEach
    void schema() throws Exception {
        Postgres.requireServer();
        schema = "diskfleet_nodes_" + UUID.randomUUID().toString().replace("-", "");
        sql("CREATE SCHEMA " + schema);
    }

    @AfterEach
    void stop() throws Exception {
        services.forEach(ConfigurableApplicationContext::close);
        dataDirs.forEach(TemporaryDataDir::deleteTree);
        sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void aSecondServiceOnTheSameDatabaseRefusesToStartNamingTheFirstUntilTheFirstStops() {
        DiskfleetClient first = start("node-a", false);
        JsonNode image = first.post("/api/images", DiskfleetClient.body("name", "kept", "sizeBytes", 1 << 20,
                "format", "vdi", "type", "normal")).expect(201).json();

        assertThatThrownBy(() -> start("node-b", false))
                .hasStackTraceContaining("the database is in use by another Diskfleet process: node node-a")
                .hasStackTraceContaining("diskfleet.cluster.enabled=true");

        JsonNode after = first.get("/api/images/" + image.get("id").asString()).expect(200).json();
        assertThat(after.get("state").asString()).as("the refused process did not mark the first's image missing")
                .isEqualTo("ready");
        JsonNode nodes = first.get("/api/nodes").expect(200).json();
        assertThat(nodes).as("the refused process left no row").hasSize(1);
        assertThat(nodes.get(0).get("name").asString()).isEqualTo("node-a");
        assertThat(nodes.get(0).get("state").asString()).isEqualTo("online");

        // A clean stop makes the first offline at once: the second may then take the database.
        services.remove(0).close();
        DiskfleetClient second = start("node-b", false);
        assertThat(second.get("/api/nodes").expect(200).json())
                .extracting(node -> node.get("name").asString() + "=" + node.get("state").asString())
                .containsExactly("node-a=offline", "node-b=online");
    }

    @Test
    void withClusterSettingsBothRunAsNodesListBothAndSeeEachOthersEventsOnce() throws Exception {
        DiskfleetClient a = start("node-a", true);
        DiskfleetClient b = start("node-b", true);

        for (DiskfleetClient client : List.of(a, b)) {
            JsonNode nodes = client.get("/api/nodes").expect(200).json();
            assertThat(nodes).extracting(node -> node.get("name").asString()).containsExactly("node-a", "node-b");
            assertThat(nodes).extracting(node -> node.get("state").asString()).containsOnly("online");
        }
        try (SseClient onA = new SseClient(a.baseUrl() + "/api/events?types=image", DiskfleetClient.TEST_ADMIN_TOKEN, null);
                SseClient onB = new SseClient(b.baseUrl() + "/api/events?types=image", DiskfleetClient.TEST_ADMIN_TOKEN, null)) {
            onA.nextComment(Duration.ofSeconds(10));
            onB.nextComment(Duration.ofSeconds(10));
            String madeOnA = a.post("/api/images", DiskfleetClient.body("name", "made-on-a", "sizeBytes", 1 << 20,
                    "format", "vdi", "type", "normal")).expect(201).json().get("id").asString();
            String madeOnB = b.post("/api/images", DiskfleetClient.body("name", "made-on-b", "sizeBytes", 1 << 20,
                    "format", "vdi", "type", "normal")).expect(201).json().get("id").asString();

            for (SseClient stream : List.of(onA, onB)) {
                List<SseClient.Event> seen = new ArrayList<>();
                seen.addAll(stream.until(event -> event.data().contains(madeOnA), Duration.ofSeconds(10)));
                if (seen.stream().noneMatch(event -> event.data().contains(madeOnB))) {
                    seen.addAll(stream.until(event -> event.data().contains(madeOnB), Duration.ofSeconds(10)));
                }
                Thread.sleep(1_500); // a relay that sent an event twice would send the second within a second
                seen.addAll(stream.drain());
                assertThat(seen).filteredOn(event -> event.type().equals("image.created"))
                        .extracting(SseClient.Event::id).as("each image.created once, with its stored id")
                        .doesNotHaveDuplicates().hasSize(2);
            }
        }

        b.postEmpty("/api/nodes/node-a/drain").expect(200);
        assertThat(a.get("/api/nodes").expect(200).json().get(0).get("state").asString()).isEqualTo("draining");
    }

    private DiskfleetClient start(String name, boolean cluster) {
        Path dir = TemporaryDataDir.create("diskfleet-node-");
        dataDirs.add(dir);
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.profiles.active", "postgres");
        properties.put("DISKFLEET_DB_URL", Postgres.URL + "?currentSchema=" + schema);
        properties.put("DISKFLEET_DB_USER", Postgres.USER);
        properties.put("DISKFLEET_DB_PASSWORD", "");
        properties.put("diskfleet.data-dir", dir.toString());
        properties.put("diskfleet.storage.root", dir.resolve("images").toString());
        properties.put("diskfleet.security.admin-token", DiskfleetClient.TEST_ADMIN_TOKEN);
        properties.put("diskfleet.node.name", name);
        properties.put("diskfleet.cluster.enabled", cluster);
        properties.put("server.port", 0);
        // As command-line arguments: they outrank the postgres profile's file, which sets its own data folder.
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DiskfleetApplication.class).run(arguments);
        services.add(context);
        return new DiskfleetClient(((WebServerApplicationContext) context).getWebServer().getPort());
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(Postgres.URL, Postgres.USER, "")) {
            connection.createStatement().execute(statement);
        }
    }
}
