package dev.diskfleet.api.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.support.ClusterOnPostgres;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two services on one PostgreSQL database, each with its own storage root. Without cluster settings the
 * second would take the first's image files for missing (and the first the second's): it must refuse to
 * start, naming the first, before it touches anything. With {@code diskfleet.cluster.enabled} both run as
 * nodes, each lists both and each streams the other's events.
 */
class SharedDatabasePostgresTest {

    private ClusterOnPostgres database;

    @BeforeEach
    void schema() {
        database = new ClusterOnPostgres("diskfleet_nodes");
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void aSecondServiceOnTheSameDatabaseRefusesToStartNamingTheFirstUntilTheFirstStops() {
        ClusterOnPostgres.Node started = database.start("node-a", Map.of("diskfleet.cluster.enabled", false));
        DiskfleetClient first = started.client();
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
        started.context().close();
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
        return database.start(name, Map.of("diskfleet.cluster.enabled", cluster)).client();
    }
}
