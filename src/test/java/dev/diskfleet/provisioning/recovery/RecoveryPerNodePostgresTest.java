package dev.diskfleet.provisioning.recovery;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.ClusterJobs;
import dev.diskfleet.support.ClusterOnPostgres;
import dev.diskfleet.support.ClusterOnPostgres.Node;
import dev.diskfleet.support.ProcessTest;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Startup recovery per node, on two nodes of one PostgreSQL schema: node-b's recovery, run again while node-a
 * works, fails, settles and releases what node-b (or no node) left interrupted, and leaves node-a's running
 * operation, its open file intent, its idempotency claim and the fleet it deploys alone; a fleet whose delete
 * lock node-a holds is left too, and removed by node-b's recovery once the lock is free.
 */
@ProcessTest
class RecoveryPerNodePostgresTest {

    private ClusterOnPostgres cluster;

    @BeforeEach
    void schema() {
        cluster = new ClusterOnPostgres("diskfleet_recovery");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aNodeStartingRecoversOnlyWhatItOrNoNodeLeftInterrupted() {
        Node a = cluster.start("node-a", Map.of());
        Node b = cluster.start("node-b", Map.of());
        String golden = a.client().post("/api/images", body("name", "golden", "sizeBytes", 1 << 20, "format", "vdi",
                "type", "normal")).expect(201).json().get("id").asString();
        JsonNode deployed = a.client().awaitOperation(a.client().post("/api/fleets", body("name", "web",
                "goldenImageId", golden, "size", 2, "machineNamePrefix", "web", "memoryMb", 256)).expect(202)
                .header("Location").orElseThrow());
        assertThat(deployed.path("state").asString()).as(deployed.toString()).isEqualTo("succeeded");
        String fleet = deployed.path("result").path("fleetId").asString();

        // node-a is deploying the fleet now; node-b and a process from before operations named nodes were cut short.
        cluster.sql("UPDATE fleets SET state = 'PROVISIONING' WHERE id = '" + fleet + "'");
        UUID aDeploys = operation("fleet.deploy", "RUNNING", fleet, "'node-a'");
        UUID bClones = operation("clone-image", "RUNNING", null, "'node-b'");
        UUID fromBefore = operation("clone-image", "QUEUED", null, "NULL");
        // node-a is making a file; node-b was making one (its file there, its row never committed).
        UUID aMakes = UUID.randomUUID();
        intent(aMakes, "node-a");
        String bMade = b.client().post("/api/images", body("name", "unfinished", "sizeBytes", 1 << 20, "format", "vdi",
                "type", "normal")).expect(201).json().get("id").asString();
        Path bMadeFile = b.dir().resolve("images").resolve(bMade + ".vdi");
        assertThat(bMadeFile).exists();
        cluster.sql("DELETE FROM images WHERE id = '" + bMade + "'");
        intent(UUID.fromString(bMade), "node-b");
        claim("a-request", "node-a");
        claim("b-request", "node-b");

        recover(b);

        assertThat(operationState(aDeploys)).as("node-a's deployment goes on").isEqualTo("RUNNING");
        assertThat(operationState(bClones)).isEqualTo("FAILED");
        assertThat(operationState(fromBefore)).as("an operation that names no node").isEqualTo("FAILED");
        assertThat(fleetState(fleet)).isEqualTo("PROVISIONING");
        assertThat(members(fleet)).as("node-a's fleet keeps its members").isEqualTo(2);
        assertThat(cluster.count("SELECT COUNT(*) FROM file_intents WHERE image_id = '" + aMakes + "'")).isEqualTo(1);
        assertThat(cluster.count("SELECT COUNT(*) FROM file_intents WHERE image_id = '" + bMade + "'")).isZero();
        assertThat(bMadeFile).as("the file node-b's interrupted change made").doesNotExist();
        assertThat(cluster.count("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'a-request'")).isEqualTo(1);
        assertThat(cluster.count("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'b-request'")).isZero();

        // node-a's deployment is over and it deletes the fleet, holding the fleet's delete lock.
        cluster.sql("UPDATE operations SET state = 'SUCCEEDED' WHERE id = '" + aDeploys + "'");
        cluster.sql("UPDATE fleets SET state = 'DELETING' WHERE id = '" + fleet + "'");
        boolean held = a.context().getBean(ClusterJobs.class).runOnce("fleet-delete:" + fleet, () -> recover(b));
        assertThat(held).isTrue();
        assertThat(fleetState(fleet)).as("left to the node that deletes it").isEqualTo("DELETING");
        assertThat(members(fleet)).isEqualTo(2);

        recover(b);

        assertThat(cluster.count("SELECT COUNT(*) FROM fleets WHERE id = '" + fleet + "'"))
                .as("a fleet left deleting with its lock free is removed").isZero();
        assertThat(cluster.count("SELECT COUNT(*) FROM machines")).isZero();
    }

    private static void recover(Node node) {
        node.context().getBean(StartupRecovery.class).run();
    }

    private UUID operation(String kind, String state, String target, String node) {
        UUID id = UUID.randomUUID();
        cluster.sql("INSERT INTO operations (id, kind, state, progress, target_id, created_at, updated_at, version, node)"
                + " VALUES ('" + id + "', '" + kind + "', '" + state + "', 10, " + (target == null ? "NULL" : "'" + target + "'")
                + ", now(), now(), 0, " + node + ")");
        return id;
    }

    private void intent(UUID image, String node) {
        cluster.sql("INSERT INTO file_intents (id, image_id, action, created_at, node) VALUES ('" + UUID.randomUUID()
                + "', '" + image + "', 'make', now(), '" + node + "')");
    }

    private void claim(String key, String node) {
        cluster.sql("INSERT INTO idempotency_keys (principal, idem_key, method, request_target, state, created_at, node)"
                + " VALUES ('token:admin', '" + key + "', 'POST', '/api/images', 'IN_PROGRESS', now(), '" + node + "')");
    }

    private String operationState(UUID id) {
        return text("SELECT state FROM operations WHERE id = '" + id + "'");
    }

    private String fleetState(String id) {
        return text("SELECT state FROM fleets WHERE id = '" + id + "'");
    }

    private long members(String fleet) {
        return cluster.count("SELECT COUNT(*) FROM fleet_machines WHERE fleet_id = '" + fleet + "'");
    }

    private String text(String query) {
        return cluster.text(query);
    }
}
