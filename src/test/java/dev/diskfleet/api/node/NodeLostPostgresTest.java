package dev.diskfleet.api.node;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.support.ClusterOnPostgres;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.Poll;
import dev.diskfleet.support.ProcessTest;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A node lost and back, on three nodes of one PostgreSQL schema (records-only guests, a 3 s node timeout and a
 * 500 ms heartbeat): node-a runs three machines and dies without a word; the others make its running machines
 * unknown, answer its files 503 naming it, start a machine whose disk autoresets on another node by request and
 * another by themselves (on the node the placement rule picks, asked by the node that runs the job), and keep the one with a normal disk waiting. node-a, started again on its storage root,
 * powers off the guests that moved, removes their old disks and adopts the guest that waited: no machine runs
 * twice, no file is an orphan and no row points at a missing file.
 */
@ProcessTest
class NodeLostPostgresTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ClusterOnPostgres cluster;

    @BeforeEach
    void schema() {
        QemuTools.require("qemu-img");
        cluster = new ClusterOnPostgres("diskfleet_lost");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aLostNodesMachinesAreUnknownMoveWhenDisposableAndNeverRunTwiceWhenItComesBack() throws Exception {
        Node a = start("node-a", null, false);
        Node b = start("node-b", null, false);
        Node c = start("node-c", null, false);
        String golden = uploadImmutable(b, "golden");
        JsonNode copy = a.client.awaitOperation(a.client.postEmpty("/api/images/" + golden + "/locations/node-a")
                .expect(202).header("Location").orElseThrow());
        assertThat(copy.path("state").asString()).isEqualTo("succeeded");

        UUID moved = machineOnA(a, "moved", golden);
        UUID waits = machineOnA(a, "waits", a.client.post("/api/images", body("name", "data", "sizeBytes", 1 << 20,
                "format", "vdi", "type", "normal")).expect(201).json().get("id").asString());
        UUID restarted = machineOnA(a, "restarted", golden);
        UUID idle = machineOnA(a, "idle", golden);
        UUID waitsDisk = medium(b, waits);
        UUID movedOldDisk = medium(b, moved);
        UUID restartedOldDisk = medium(b, restarted);
        for (UUID id : List.of(moved, waits, restarted)) {
            a.client.postEmpty("/api/machines/" + id + "/start").expect(200);
        }

        // Killed: no clean leave, only silence from now on (the closed service's stop is taken back).
        kill(a);
        for (UUID id : List.of(moved, waits, restarted)) {
            JsonNode lost = Poll.until("machine " + id + " unknown", WAIT,
                    () -> b.client.get("/api/machines/" + id).expect(200).json(),
                    machine -> machine.path("state").asString().equals("unknown"));
            assertThat(lost.path("lastExit").path("reason").asString()).isEqualTo("nodeLost");
            assertThat(lost.path("lastExit").path("detail").asString()).contains("node-a");
            assertThat(count("SELECT COUNT(*) FROM events WHERE resource_id = '" + id
                    + "' AND data_json LIKE '%nodeLost%'")).as("the nodeLost event of " + id).isEqualTo(1);
        }
        assertThat(b.client.get("/api/machines/" + idle).expect(200).json().path("state").asString())
                .isEqualTo("poweredOff");
        assertThat(b.client.get("/api/images/" + waitsDisk + "/content").expectProblem(503, "node-unavailable"))
                .contains("node-a");

        // close() recorded a clean stop, which other nodes may have seen before kill() took it back: node-a is then
        // online again until its heartbeat times out, and only then may its machines start elsewhere.
        Poll.until("node-a offline", WAIT, () -> b.client.get("/api/nodes").expect(200).json(),
                list -> list.valueStream().anyMatch(node -> node.path("name").asString().equals("node-a")
                        && node.path("state").asString().equals("offline")));
        // Started on node-b through node-c: the request goes to node-b, which makes a fresh disk over its golden.
        JsonNode onB = c.client.postEmpty("/api/machines/" + moved + "/start?node=node-b").expect(200).json();
        assertThat(onB.path("state").asString()).isEqualTo("running");
        assertThat(onB.path("node").asString()).isEqualTo("node-b");
        UUID movedNewDisk = medium(b, moved);
        assertThat(movedNewDisk).isNotEqualTo(movedOldDisk);
        assertThat(diskFiles(b)).contains(movedNewDisk.toString());
        assertThat(hypervisor(b).runningGuests()).contains(moved);
        assertThat(hypervisor(c).runningGuests()).doesNotContain(moved);
        b.client.get("/api/images/" + movedOldDisk).expect(404);

        // A machine with a normal disk waits for its node.
        assertThat(c.client.postEmpty("/api/machines/" + waits + "/start?node=node-c")
                .expectProblem(409, "machine-waits-for-node")).contains("node-a", "port 0 device 0");
        assertThat(b.client.get("/api/machines/" + waits).expect(200).json().path("state").asString())
                .isEqualTo("unknown");

        // With restart-lost-guests, node-c has the other disposable machine started by itself: on node-b, the only
        // node with room left for it (node-c now offers 128 MiB), which it asks to; the waiting one waits.
        c.context.close();
        Node restarter = start("node-c", c.dir, true, 128);
        JsonNode elsewhere = Poll.until("machine restarted running on another node", WAIT,
                () -> restarter.client.get("/api/machines/" + restarted).expect(200).json(),
                machine -> machine.path("state").asString().equals("running"));
        assertThat(elsewhere.path("node").asString()).isEqualTo("node-b");
        assertThat(hypervisor(b).runningGuests()).contains(restarted);
        assertThat(diskFiles(b)).contains(medium(b, restarted).toString());
        assertThat(b.client.get("/api/machines/" + waits).expect(200).json().path("state").asString())
                .isEqualTo("unknown");
        assertThat(count("SELECT COUNT(*) FROM stale_files WHERE node_name = 'node-a'")).isEqualTo(2);

        // node-a comes back: the moved guests are powered off there and their old disks removed; the one that
        // waited is adopted.
        assertThat(diskFiles(a)).contains(movedOldDisk.toString(), restartedOldDisk.toString());
        Node back = start("node-a", a.dir, false);
        assertThat(hypervisor(back).runningGuests()).containsExactly(waits);
        JsonNode adopted = b.client.get("/api/machines/" + waits).expect(200).json();
        assertThat(adopted.path("state").asString()).isEqualTo("running");
        assertThat(adopted.path("node").asString()).isEqualTo("node-a");
        assertThat(diskFiles(back)).doesNotContain(movedOldDisk.toString(), restartedOldDisk.toString())
                .contains(waitsDisk.toString(), medium(b, idle).toString(), golden);
        assertThat(count("SELECT COUNT(*) FROM stale_files")).isZero();
        assertThat(b.client.get("/api/machines/" + moved).expect(200).json().path("state").asString())
                .isEqualTo("running");
        assertThat(b.client.get("/api/machines/" + idle).expect(200).json().path("state").asString())
                .isEqualTo("poweredOff");

        List<Node> nodes = List.of(back, b, restarter);
        for (UUID id : List.of(moved, waits, restarted, idle)) {
            assertThat(nodes.stream().filter(node -> hypervisor(node).runningGuests().contains(id)).count())
                    .as("nodes running machine " + id).isEqualTo(id.equals(idle) ? 0 : 1);
        }
        for (Node node : nodes) {
            assertThat(node.client.get("/api/storage/orphans").expect(200).json().path("files").size())
                    .as("orphans on " + node.name).isZero();
        }
        assertThat(rowsWithoutTheirFile(nodes)).isEmpty();
    }

    private record Node(String name, ConfigurableApplicationContext context, DiskfleetClient client, Path dir) {
    }

    private Node start(String name, Path existingDir, boolean restartLostGuests) {
        return start(name, existingDir, restartLostGuests, 2048);
    }

    private Node start(String name, Path existingDir, boolean restartLostGuests, int guestMemoryMb) {
        Map<String, Object> settings = Map.of("diskfleet.node.max-guest-memory-mb", guestMemoryMb,
                "diskfleet.cluster.node-timeout", "3s", "diskfleet.cluster.heartbeat-interval", "500ms",
                "diskfleet.cluster.restart-lost-guests", restartLostGuests);
        ClusterOnPostgres.Node node = existingDir == null ? cluster.start(name, settings)
                : cluster.startOn(name, existingDir, settings);
        return new Node(name, node.context(), node.client(), node.dir());
    }

    /**
     * Stops the node's service the way a kill would look to the others: its guests stay recorded in its run
     * directories, and its row shows no clean stop, only a heartbeat that is not renewed.
     */
    private void kill(Node node) throws Exception {
        node.context.close();
        sql("UPDATE nodes SET stopped_at = NULL, last_heartbeat = CURRENT_TIMESTAMP WHERE name = '" + node.name + "'");
    }

    /** A machine of 256 MiB on node-a with {@code image} attached (an immutable one gets an autoReset disk). */
    private static UUID machineOnA(Node a, String name, String image) {
        UUID id = UUID.fromString(a.client.post("/api/machines", body("name", name, "memoryMb", 256, "node", "node-a"))
                .expect(201).json().get("id").asString());
        a.client.post("/api/machines/" + id + "/attachments", body("imageId", image, "port", 0, "device", 0))
                .expect(201);
        return id;
    }

    /** The medium of the machine's one attachment, as any node reads it. */
    private static UUID medium(Node node, UUID machine) {
        return UUID.fromString(node.client.get("/api/machines/" + machine).expect(200).json().get("attachments").get(0)
                .path("mediumId").asString());
    }

    private static Hypervisor hypervisor(Node node) {
        return node.context.getBean(Hypervisor.class);
    }

    /** The image files in the node's storage root, by image id. */
    private static Set<String> diskFiles(Node node) {
        try (Stream<Path> files = Files.list(node.dir.resolve("images"))) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f-]{36}\\.(vdi|qcow2|raw)"))
                    .map(name -> name.substring(0, 36)).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Every image row with a node that should hold its file and does not, and every image no node holds. */
    private List<String> rowsWithoutTheirFile(List<Node> nodes) throws Exception {
        List<String> missing = new ArrayList<>();
        for (List<String> row : cluster.rows(
                "SELECT i.id, l.node_name FROM images i LEFT JOIN image_locations l ON l.image_id = i.id")) {
            String image = row.get(0);
            String holder = row.get(1);
            boolean held = holder != null && nodes.stream().filter(node -> node.name.equals(holder))
                    .anyMatch(node -> diskFiles(node).contains(image));
            if (!held) {
                missing.add(image + " on " + holder);
            }
        }
        return missing;
    }

    private static String uploadImmutable(Node node, String name) throws IOException {
        Path raw = node.dir.resolve(name + ".raw");
        Path vdi = node.dir.resolve(name + ".vdi");
        QemuTools.qemuImg("create", "-q", "-f", "raw", raw.toString(), String.valueOf(4 << 20));
        QemuTools.qemuImg("convert", "-f", "raw", "-O", "vdi", raw.toString(), vdi.toString());
        String id = node.client.upload("PUT", "/api/images/uploads?name=" + name + "&type=immutable",
                BodyPublishers.ofFile(vdi), "Content-Type", "application/octet-stream").expect(201).json()
                .get("id").asString();
        Files.delete(vdi);
        Files.delete(raw);
        return id;
    }

    private long count(String query) {
        return cluster.count(query);
    }

    private void sql(String statement) {
        cluster.sql(statement);
    }
}
