package dev.diskfleet.guest;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.Campaign;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.GuestTest;
import dev.diskfleet.support.Poll;
import dev.diskfleet.support.ClusterProcesses;
import dev.diskfleet.support.ClusterProcesses.Node;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three nodes of a cluster as three service processes on one PostgreSQL schema, each with its own storage
 * root and its own QEMU: a fleet of six deployed through node A lands two members per node, the immutable golden is
 * copied once to each of the other nodes, and every guest boots from its differencing disk on its own node.
 * Node A's API then lists and controls every machine: the console, a stop and a start, and the guest disk
 * data of a machine of node B, all through A. Node C killed with SIGKILL: its machines become unknown, their
 * disks answer 503 naming it, and the two (autoreset) start on nodes A and B on fresh disks; node C, started
 * again, powers off the guests it still ran, so no machine runs twice and no file is left that no row owns.
 * Judges: the guests' console lines, the run directories and
 * QEMU processes in /proc (which node runs what), each node's replication counter, and the disk bytes B
 * itself answers.
 */
@GuestTest
@Campaign // the default build covers the same cluster paths without QEMU: PlacementPostgresTest, AnyNodeAnswersPostgresTest, NodeLostPostgresTest
class ClusterGuestsTest {

    private static final Duration BOOT = RealGuestsTest.BOOT;
    private static final Pattern REPLICATED = Pattern.compile("(?m)^diskfleet_replication_bytes_total\\{[^}]*} (\\S+)$");

    private final Set<UUID> machines = ConcurrentHashMap.newKeySet();
    private ClusterProcesses cluster;
    private Map<String, Node> nodes;

    @BeforeEach
    void tools() {
        TestGuest.requireTools();
        cluster = new ClusterProcesses("diskfleet_cluster");
    }

    @AfterEach
    void stop() {
        List<Long> left = GuestProcesses.runningQemuOf(machines);
        GuestProcesses.kill(left);
        cluster.close();
        assertThat(left).as("QEMU processes of this test still running").isEmpty();
    }

    @Test
    void aFleetOverThreeNodesBootsOnItsNodesIsControlledThroughAnyAndOutlivesALostNode() throws Exception {
        // A short node timeout: the test waits for node C to be found lost.
        nodes = cluster.start(List.of("node-a", "node-b", "node-c"), "--diskfleet.hypervisor=qemu",
                "--diskfleet.cluster.node-timeout=5s", "--diskfleet.cluster.heartbeat-interval=1s");
        Node a = nodes.get("node-a");
        DiskfleetClient api = a.api();
        String raw = api.upload("PUT", "/api/images/uploads?name=cluster-raw&type=normal",
                BodyPublishers.ofFile(TestGuest.disk(Behaviour.STAY_UP))).expect(201).json().path("id").asString();
        JsonNode cloned = api.awaitOperation(api.post("/api/images/" + raw + "/clone", body("name", "cluster-golden",
                "format", "qcow2", "type", "immutable")).expect(202).header("Location").orElseThrow());
        assertThat(cloned.path("state").asString()).as(cloned.toString()).isEqualTo("succeeded");
        String golden = api.get(cloned.path("resourceUrl").asString()).expect(200).json().path("id").asString();
        long goldenBytes = fileBytes(a, golden);

        String operation = api.post("/api/fleets", body("name", "spread", "goldenImageId", golden, "size", 6,
                "machineNamePrefix", "spread", "start", true)).expect(202).header("Location").orElseThrow();
        JsonNode done = api.awaitOperation(operation);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        JsonNode fleet = api.get(done.path("resourceUrl").asString()).expect(200).json();
        Map<String, String> nodeOfMachine = new LinkedHashMap<>();
        fleet.path("machines").forEach(member -> {
            String machine = member.path("machineId").asString();
            machines.add(UUID.fromString(machine));
            nodeOfMachine.put(machine, member.path("node").asString());
        });
        assertThat(nodeOfMachine.values()).as("two members per node")
                .containsExactlyInAnyOrder("node-a", "node-a", "node-b", "node-b", "node-c", "node-c");

        for (Map.Entry<String, String> placed : nodeOfMachine.entrySet()) {
            String machine = placed.getKey();
            awaitConsole(api, machine, TestGuest.stayingUpLine(machine));
            for (Node node : nodes.values()) {
                assertThat(Files.exists(node.dir().resolve("guests").resolve(machine)))
                        .as("run directory of %s on %s", machine, node.name())
                        .isEqualTo(node.name().equals(placed.getValue()));
            }
            assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(machine)))).as("QEMUs of " + machine)
                    .hasSize(1);
        }
        assertThat(replicatedBytes(a)).as("bytes node-a copied").isZero();
        assertThat(replicatedBytes(nodes.get("node-b"))).as("bytes node-b copied").isEqualTo(goldenBytes);
        assertThat(replicatedBytes(nodes.get("node-c"))).as("bytes node-c copied").isEqualTo(goldenBytes);
        for (Node node : nodes.values()) {
            assertThat(api.get("/api/images/" + golden).expect(200).json().path("locations").toString())
                    .contains(node.name());
        }

        // Node B's machine, controlled through node A.
        String onB = nodeOfMachine.entrySet().stream().filter(entry -> entry.getValue().equals("node-b"))
                .findFirst().orElseThrow().getKey();
        Node b = nodes.get("node-b");
        assertThat(api.get("/api/machines/" + onB + "/console?tail=50").expect(200).text())
                .isEqualTo(b.api().get("/api/machines/" + onB + "/console?tail=50").expect(200).text());
        JsonNode stopped = api.postEmpty("/api/machines/" + onB + "/stop?force=true").expect(200).json();
        assertThat(stopped.path("state").asString()).isEqualTo("poweredOff");
        assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(onB)))).as("B's guest stopped").isEmpty();

        String attachment = b.api().get("/api/machines/" + onB).expect(200).json().path("attachments").get(0)
                .path("id").asString();
        String data = "/api/machines/" + onB + "/attachments/" + attachment + "/data";
        byte[] throughA = api.get(data, "Range", "bytes=0-65535").expect(206).bytes();
        assertThat(throughA).as("the guest disk's first 64 KiB through node A")
                .isEqualTo(b.api().get(data, "Range", "bytes=0-65535").expect(206).bytes()).hasSize(65536);

        assertThat(api.postEmpty("/api/machines/" + onB + "/start").expect(200).json().path("state").asString())
                .isEqualTo("running");
        awaitConsole(api, onB, TestGuest.stayingUpLine(onB));
        assertThat(Files.exists(b.dir().resolve("guests").resolve(onB))).as("started again on node-b").isTrue();
        assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(onB)))).hasSize(1);

        // Node C killed with SIGKILL: its guests outlive it, its machines become unknown within the timeout.
        List<String> onC = nodeOfMachine.entrySet().stream().filter(entry -> entry.getValue().equals("node-c"))
                .map(Map.Entry::getKey).toList();
        nodes.get("node-c").service().kill();
        for (String machine : onC) {
            JsonNode lost = Poll.until("machine " + machine + " unknown", Duration.ofSeconds(60),
                    () -> api.get("/api/machines/" + machine).expect(200).json(),
                    found -> found.path("state").asString().equals("unknown"));
            assertThat(lost.path("lastExit").path("reason").asString()).isEqualTo("nodeLost");
            String lostDisk = lost.path("attachments").get(0).path("id").asString();
            assertThat(api.get("/api/machines/" + machine + "/attachments/" + lostDisk + "/data", "Range",
                    "bytes=0-511").expectProblem(503, "node-unavailable")).contains("node-c");
        }

        // Its autoreset members start on node A and node B, asked through node B, each on a fresh disk over
        // that node's copy of the base.
        Map<String, Node> movedTo = Map.of(onC.get(0), a, onC.get(1), b);
        for (Map.Entry<String, Node> move : movedTo.entrySet()) {
            String machine = move.getKey();
            JsonNode moved = b.api().postEmpty("/api/machines/" + machine + "/start?node=" + move.getValue().name())
                    .expect(200).json();
            assertThat(moved.path("state").asString()).isEqualTo("running");
            assertThat(moved.path("node").asString()).isEqualTo(move.getValue().name());
        }
        for (Map.Entry<String, Node> move : movedTo.entrySet()) {
            awaitConsole(api, move.getKey(), TestGuest.stayingUpLine(move.getKey()));
            assertThat(Files.exists(move.getValue().dir().resolve("guests").resolve(move.getKey())))
                    .as("run directory on " + move.getValue().name()).isTrue();
        }

        // Node C comes back: it powers off its stale guests and removes their old disks; nothing runs twice.
        Node back = cluster.restart("node-c");
        for (String machine : onC) {
            Poll.until("one QEMU for " + machine, BOOT,
                    () -> GuestProcesses.runningQemuOf(Set.of(UUID.fromString(machine))).size() == 1);
            assertThat(api.get("/api/machines/" + machine).expect(200).json().path("state").asString())
                    .isEqualTo("running");
        }
        for (Node node : cluster.nodes().values()) {
            assertThat(node.api().get("/api/storage/orphans").expect(200).json().path("files"))
                    .as("files no row owns on " + node.name()).isEmpty();
        }
        assertThat(back.api().get("/api/nodes").expect(200).json().findValuesAsString("state")).containsOnly("online");

        for (String machine : nodeOfMachine.keySet()) {
            api.postEmpty("/api/machines/" + machine + "/stop?force=true").expect(200);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static long fileBytes(Node node, String image) throws IOException {
        try (var files = Files.list(node.dir().resolve("images"))) {
            Path file = files.filter(path -> path.getFileName().toString().startsWith(image + "."))
                    .findFirst().orElseThrow(() -> new AssertionError("no file of " + image + " on " + node.name()));
            return Files.size(file);
        }
    }

    private static long replicatedBytes(Node node) {
        String metrics = node.api().get("/actuator/prometheus").expect(200).text();
        Matcher found = REPLICATED.matcher(metrics);
        return found.find() ? (long) Double.parseDouble(found.group(1)) : 0;
    }

    private static void awaitConsole(DiskfleetClient api, String machine, String line) {
        Poll.until("'" + line + "' on the console of " + machine, BOOT,
                () -> api.get("/api/machines/" + machine + "/console?tail=200").expect(200).text().contains(line));
    }
}
