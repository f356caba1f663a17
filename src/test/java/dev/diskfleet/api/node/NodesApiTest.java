package dev.diskfleet.api.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.FullStackTest;
import java.net.InetAddress;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The embedded database is one node: GET /api/nodes shows it with its capacity, and drain changes its state. */
class NodesApiTest extends FullStackTest {

    @Test
    void theEmbeddedServiceIsOneOnlineNodeNamedAfterItsHost() throws Exception {
        JsonNode nodes = api.get("/api/nodes").expect(200).json();

        assertThat(nodes).hasSize(1);
        JsonNode node = nodes.get(0);
        assertThat(node.get("name").asString()).isEqualTo(InetAddress.getLocalHost().getHostName());
        assertThat(node.get("state").asString()).isEqualTo("online");
        assertThat(node.get("cpus").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(node.get("memoryBytes").asLong()).isPositive();
        assertThat(node.get("freeGuestMemoryBytes").asLong()).isPositive().isLessThan(node.get("memoryBytes").asLong());
        assertThat(node.get("freeDiskBytes").asLong()).isPositive();
        assertThat(node.get("runningGuests").asInt()).isZero();
        assertThat(node.get("version").asString()).isNotBlank();
        assertThat(OffsetDateTime.parse(node.get("lastHeartbeat").asString()))
                .isAfter(OffsetDateTime.now().minusMinutes(1));
    }

    @Test
    void aDrainedNodeIsDrainingUntilUndrainedAndOnlyAnAdminMayDrain() {
        String name = api.get("/api/nodes").expect(200).json().get(0).get("name").asString();
        String viewer = api.post("/api/tokens", DiskfleetClient.body("name", unique("viewer"), "role", "viewer"))
                .expect(201).json().get("token").asString();
        DiskfleetClient asViewer = new DiskfleetClient(port)
                .withDefaultHeaders(java.util.Map.of("Authorization", "Bearer " + viewer));

        assertThat(asViewer.get("/api/nodes").expect(200).json()).hasSize(1);
        asViewer.postEmpty("/api/nodes/" + name + "/drain").expectProblem(403,
                "forbidden");

        try {
            assertThat(api.postEmpty("/api/nodes/" + name + "/drain").expect(200).json().get("state").asString())
                    .isEqualTo("draining");
            assertThat(api.get("/api/nodes").expect(200).json().get(0).get("state").asString()).isEqualTo("draining");
        } finally {
            assertThat(api.postEmpty("/api/nodes/" + name + "/undrain").expect(200).json().get("state").asString())
                    .isEqualTo("online");
        }
        api.postEmpty("/api/nodes/no-such-node/drain").expect(404);
    }
}
