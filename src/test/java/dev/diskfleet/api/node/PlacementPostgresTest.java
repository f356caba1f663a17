package dev.diskfleet.api.node;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.guest.GuestAdoption;
import dev.diskfleet.support.ClusterOnPostgres;
import dev.diskfleet.support.ClusterOnPostgres.Node;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.ProcessTest;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three nodes of a cluster on one PostgreSQL schema, each with its own storage root and 2 GiB of guest memory
 * ({@code diskfleet.node.max-guest-memory-mb}), guests run by the records-only driver: fleets are placed by
 * free guest memory (spread, pack, none when they do not fit), every member's disk is made on its own node,
 * the immutable golden is copied once to each node that needs it, a failure on one node leaves nothing on any,
 * and machines are created on a named node, placed at their first start, and started there through any node.
 */
@ProcessTest
class PlacementPostgresTest {

    private static final int GUEST_MEMORY_MB = 2048;

    private ClusterOnPostgres cluster;

    @BeforeEach
    void schema() {
        QemuTools.require("qemu-img");
        cluster = new ClusterOnPostgres("diskfleet_place");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void fleetsAndMachinesArePlacedOverTheNodesAndEachDiskIsMadeOnItsNode() throws IOException {
        Node a = start("node-a");
        Node b = start("node-b");
        Node c = start("node-c");
        List<Node> all = List.of(a, b, c);
        String golden = uploadImmutable(a, "golden");
        long goldenBytes = Files.size(a.dir().resolve("images").resolve(golden + ".vdi"));

        // 7 members of 1 GiB do not fit in 3 × 2 GiB: refused at once, nothing made anywhere.
        String refused = a.client().post("/api/fleets", fleet("big", golden, 7, "spread"))
                .expectProblem(507, "insufficient-guest-memory");
        assertThat(refused).contains("7 × 1024 MiB", "node-a 2048 MiB (room for 2)", "node-b 2048 MiB",
                "node-c 2048 MiB");
        assertThat(cluster.count("SELECT COUNT(*) FROM fleets") + cluster.count("SELECT COUNT(*) FROM machines")).isZero();
        assertThat(diskFiles(b)).isEmpty();
        assertThat(diskFiles(c)).isEmpty();

        // 6 spread over three equal nodes: two each, every disk in its own node's storage root.
        JsonNode spread = deploy(a, fleet("spread", golden, 6, "spread"));
        Map<String, List<String>> disksByNode = disksByNode(spread);
        assertThat(spread.path("placement").asString()).isEqualTo("spread");
        assertThat(disksByNode.keySet()).containsExactly("node-a", "node-b", "node-c");
        disksByNode.values().forEach(disks -> assertThat(disks).hasSize(2));
        for (Node node : all) {
            assertThat(diskFiles(node)).as("the files in " + node.name() + "'s storage root")
                    .containsExactlyInAnyOrderElementsOf(with(disksByNode.get(node.name()), golden));
        }
        assertThat(a.replicatedBytes()).isZero();
        assertThat(b.replicatedBytes()).as("the golden copied to node-b once").isEqualTo(goldenBytes);
        assertThat(c.replicatedBytes()).as("the golden copied to node-c once").isEqualTo(goldenBytes);

        // Every node reads the same fleet, disk usage included: each member's disk is measured on its node.
        JsonNode usage = a.client().get("/api/fleets/" + spread.path("id").asString()).expect(200).json().path("usage");
        assertThat(usage.path("machineDisksBytes").asLong()).as("the six members' disks, on three nodes")
                .isEqualTo(6 * a.client().get("/api/fleets/" + spread.path("id").asString()).json().path("machines")
                        .get(0).path("diskBytes").asLong());
        for (Node node : all) {
            assertThat(node.client().get("/api/fleets/" + spread.path("id").asString()).expect(200).json()
                    .path("usage")).as("the usage node " + node.name() + " reads").isEqualTo(usage);
        }

        // The inventory gives every member's forwards at its own node's guest address.
        JsonNode inventory = b.client().get("/api/fleets/" + spread.path("id").asString() + "/inventory").expect(200)
                .json();
        inventory.get("machines").forEach(host -> assertThat(host.path("forwards").path("22/tcp").asString())
                .startsWith("guests." + host.path("node").asString() + ".test:"));

        // A node that cannot be reached fails the deployment, and the members made on the others go again.
        Map<String, Set<String>> before = new HashMap<>();
        all.forEach(node -> before.put(node.name(), diskFiles(node)));
        cluster.sql("UPDATE nodes SET url = 'http://127.0.0.1:9' WHERE name = 'node-c'");
        DiskfleetClient.Reply accepted = a.client().post("/api/fleets", fleet("broken", golden, 3, "spread")).expect(202);
        JsonNode failed = a.client().awaitOperation(accepted.header("Location").orElseThrow());
        assertThat(failed.path("state").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("detail").asString()).contains("node-c");
        cluster.sql("UPDATE nodes SET url = '" + c.client().baseUrl() + "' WHERE name = 'node-c'");
        assertThat(cluster.count("SELECT COUNT(*) FROM machines WHERE name LIKE 'broken-%'")).isZero();
        assertThat(cluster.count("SELECT COUNT(*) FROM fleets WHERE name = 'broken'")).isZero();
        for (Node node : all) {
            assertThat(diskFiles(node)).as(node.name() + " after the failed deployment").isEqualTo(before.get(node.name()));
        }

        // Pack, asked of node-b: node-a (first of the equal nodes) is filled before node-b takes one.
        JsonNode pack = deploy(b, fleet("pack", golden, 3, "pack"));
        assertThat(nodesByOrdinal(pack)).containsExactly("node-a", "node-a", "node-b");
        assertThat(b.replicatedBytes() + c.replicatedBytes()).as("no second copy").isEqualTo(2 * goldenBytes);

        // A machine made on a named node is there; another node sends its start on to that node.
        JsonNode onC = a.client().post("/api/machines", body("name", "on-c", "memoryMb", 1024, "node", "node-c"))
                .expect(201).json();
        assertThat(onC.path("node").asString()).isEqualTo("node-c");
        String id = onC.path("id").asString();
        assertThat(a.client().postEmpty("/api/machines/" + id + "/start").expect(200).json().path("state").asString())
                .isEqualTo("running");
        assertThat(c.context().getBean(Hypervisor.class).runningGuests()).contains(UUID.fromString(id));
        assertThat(a.context().getBean(Hypervisor.class).runningGuests()).doesNotContain(UUID.fromString(id));
        // node-a's startup step for running guests leaves node-c's guest alone
        a.context().getBean(GuestAdoption.class).adoptRunningGuests();
        assertThat(a.client().get("/api/machines/" + id).expect(200).json().path("state").asString())
                .isEqualTo("running");
        a.client().post("/api/machines", body("name", "nowhere", "node", "node-x")).expectProblem(404, "not-found");
        a.client().postEmpty("/api/nodes/node-b/drain").expect(200);
        assertThat(a.client().post("/api/machines", body("name", "drained", "node", "node-b"))
                .expectProblem(409, "node-unavailable")).contains("node-b", "draining");

        // Without a node, a machine is placed on the node that first starts it, if its memory fits there.
        JsonNode loose = a.client().post("/api/machines", body("name", "loose", "memoryMb", 2048)).expect(201).json();
        assertThat(loose.path("node").isNull()).isTrue();
        String looseId = loose.path("id").asString();
        c.client().postEmpty("/api/machines/" + looseId + "/start").expectProblem(507, "insufficient-guest-memory");
        assertThat(a.client().postEmpty("/api/machines/" + looseId + "/start").expect(200).json().path("node").asString())
                .isEqualTo("node-a");

        // A scale-up places its members by the same rule (node-b is drained, node-a full), a scale-down removes
        // them on their node.
        String packId = pack.path("id").asString();
        Set<String> cFiles = diskFiles(c);
        awaitSucceeded(a, a.client().patch("/api/fleets/" + packId, body("size", 4)));
        JsonNode scaled = a.client().get("/api/fleets/" + packId).expect(200).json();
        assertThat(nodesByOrdinal(scaled)).containsExactly("node-a", "node-a", "node-b", "node-c");
        String added = scaled.get("machines").get(3).path("diskImageId").asString();
        assertThat(diskFiles(c)).containsExactlyInAnyOrderElementsOf(with(List.copyOf(cFiles), added));
        awaitSucceeded(a, a.client().patch("/api/fleets/" + packId + "?force=true", body("size", 3)));
        assertThat(diskFiles(c)).isEqualTo(cFiles);

        // Deleting a fleet removes each member on its own node.
        awaitSucceeded(a, a.client().delete("/api/fleets/" + spread.path("id").asString()));
        assertThat(diskFiles(b)).containsExactlyInAnyOrderElementsOf(with(disksByNode(pack).get("node-b"), golden));
        assertThat(diskFiles(c)).containsExactly(golden);
    }

    private Node start(String name) {
        return cluster.start(name, Map.of("diskfleet.node.max-guest-memory-mb", GUEST_MEMORY_MB,
                "diskfleet.node.guest-address", "guests." + name + ".test"));
    }

    private static Map<String, Object> fleet(String name, String golden, int size, String placement) {
        return body("name", name, "goldenImageId", golden, "size", size, "machineNamePrefix", name, "memoryMb", 1024,
                "placement", placement, "network", body("forwards", List.of(body("guestPort", 22))));
    }

    /** Deploys through {@code node} and answers the fleet as that node reads it afterwards. */
    private static JsonNode deploy(Node node, Map<String, Object> fleet) {
        DiskfleetClient.Reply accepted = node.client().post("/api/fleets", fleet).expect(202);
        JsonNode operation = node.client().awaitOperation(accepted.header("Location").orElseThrow());
        assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("succeeded");
        return node.client().get("/api/fleets/" + operation.path("result").path("fleetId").asString()).expect(200).json();
    }

    private static void awaitSucceeded(Node node, DiskfleetClient.Reply accepted) {
        JsonNode operation = node.client().awaitOperation(accepted.expect(202).header("Location").orElseThrow());
        assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("succeeded");
    }

    private static Map<String, List<String>> disksByNode(JsonNode fleet) {
        Map<String, List<String>> byNode = new java.util.TreeMap<>();
        fleet.get("machines").forEach(member -> byNode.computeIfAbsent(member.path("node").asString(),
                node -> new ArrayList<>()).add(member.path("diskImageId").asString()));
        return byNode;
    }

    private static List<String> nodesByOrdinal(JsonNode fleet) {
        List<String> nodes = new ArrayList<>();
        fleet.get("machines").forEach(member -> nodes.add(member.path("node").asString()));
        return nodes;
    }

    private static List<String> with(List<String> files, String another) {
        List<String> all = new ArrayList<>(files == null ? List.of() : files);
        all.add(another);
        return all;
    }

    /** The image files in the node's storage root, by image id. */
    private static Set<String> diskFiles(Node node) {
        try (Stream<Path> files = Files.list(node.dir().resolve("images"))) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f-]{36}\\.(vdi|qcow2|raw)"))
                    .map(name -> name.substring(0, 36)).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String uploadImmutable(Node node, String name) throws IOException {
        Path raw = node.dir().resolve(name + ".raw");
        Path vdi = node.dir().resolve(name + ".vdi");
        QemuTools.qemuImg("create", "-q", "-f", "raw", raw.toString(), String.valueOf(8 << 20));
        Files.write(raw, "DISKFLEET-GOLDEN".getBytes(), java.nio.file.StandardOpenOption.WRITE);
        QemuTools.qemuImg("convert", "-f", "raw", "-O", "vdi", raw.toString(), vdi.toString());
        String id = node.client().upload("PUT", "/api/images/uploads?name=" + name + "&type=immutable",
                BodyPublishers.ofFile(vdi), "Content-Type", "application/octet-stream").expect(201).json()
                .get("id").asString();
        Files.delete(vdi);
        Files.delete(raw);
        return id;
    }
}
