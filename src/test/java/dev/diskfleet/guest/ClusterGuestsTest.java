package dev.diskfleet.guest;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.GuestTest;
import dev.diskfleet.support.Poll;
import dev.diskfleet.support.Postgres;
import dev.diskfleet.support.ServiceProcess;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three nodes of a cluster as three service processes on one PostgreSQL schema, each with its own storage
 * root and its own QEMU: a fleet deployed through node A lands one member per node, the immutable golden is
 * copied once to each of the other nodes, and every guest boots from its differencing disk on its own node.
 * Node A's API then lists and controls every machine: the console, a stop and a start, and the guest disk
 * data of a machine of node B, all through A. Judges: the guests' console lines, the run directories and
 * QEMU processes in /proc (which node runs what), each node's replication counter, and the disk bytes B
 * itself answers.
 */
@GuestTest
class ClusterGuestsTest {

    private static final String SECRET = "a-cluster-secret-for-this-test-only";
    private static final Duration BOOT = RealGuestsTest.BOOT;
    private static final Pattern REPLICATED = Pattern.compile("(?m)^diskfleet_replication_bytes_total\\{[^}]*} (\\S+)$");

    private final Set<UUID> machines = ConcurrentHashMap.newKeySet();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Path> dataDirs = new ArrayList<>();
    private String schema;

    private record Node(String name, ServiceProcess service, Path dir) {

        DiskfleetClient api() {
            return service.api();
        }
    }

    @BeforeEach
    void schema() throws Exception {
        TestGuest.requireTools();
        Postgres.requireServer();
        schema = "diskfleet_cluster_" + UUID.randomUUID().toString().replace("-", "");
        sql("CREATE SCHEMA " + schema);
    }

    @AfterEach
    void stop() throws Exception {
        List<Long> left = GuestProcesses.runningQemuOf(machines);
        GuestProcesses.kill(left);
        nodes.values().forEach(node -> node.service().close());
        dataDirs.forEach(TemporaryDataDir::deleteTree);
        sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        assertThat(left).as("QEMU processes of this test still running").isEmpty();
    }

    @Test
    void aFleetOverThreeNodesBootsEachGuestOnItsNodeAndNodeAControlsThemAll() throws Exception {
        startNodes("node-a", "node-b", "node-c");
        Node a = nodes.get("node-a");
        DiskfleetClient api = a.api();
        String raw = api.upload("PUT", "/api/images/uploads?name=cluster-raw&type=normal",
                BodyPublishers.ofFile(TestGuest.disk(Behaviour.STAY_UP))).expect(201).json().path("id").asString();
        JsonNode cloned = api.awaitOperation(api.post("/api/images/" + raw + "/clone", body("name", "cluster-golden",
                "format", "qcow2", "type", "immutable")).expect(202).header("Location").orElseThrow());
        assertThat(cloned.path("state").asString()).as(cloned.toString()).isEqualTo("succeeded");
        String golden = api.get(cloned.path("resourceUrl").asString()).expect(200).json().path("id").asString();
        long goldenBytes = fileBytes(a, golden);

        String operation = api.post("/api/fleets", body("name", "spread", "goldenImageId", golden, "size", 3,
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
        assertThat(nodeOfMachine.values()).as("one member per node").containsExactlyInAnyOrder(nodes.keySet().toArray(String[]::new));

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

        for (String machine : nodeOfMachine.keySet()) {
            api.postEmpty("/api/machines/" + machine + "/stop?force=true").expect(200);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** Starts the nodes side by side: a start is mostly waiting, and three in a row would triple it. */
    private void startNodes(String... names) {
        List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (String name : names) {
            Path dir = TemporaryDataDir.create("df-" + name.substring(name.length() - 1) + "-");
            dataDirs.add(dir);
            starting.add(CompletableFuture.supplyAsync(() -> start(name, dir)));
        }
        starting.forEach(node -> {
            Node started = node.join();
            nodes.put(started.name(), started);
        });
    }

    private Node start(String name, Path dir) {
        int port = freePort();
        ServiceProcess service = ServiceProcess.on(dir).port(port).settings(
                "--spring.profiles.active=postgres",
                "--DISKFLEET_DB_URL=" + Postgres.URL + "?currentSchema=" + schema,
                "--DISKFLEET_DB_USER=" + Postgres.USER,
                "--DISKFLEET_DB_PASSWORD=",
                "--diskfleet.storage.root=" + dir.resolve("images"),
                "--diskfleet.node.name=" + name,
                "--diskfleet.node.url=http://127.0.0.1:" + port,
                "--diskfleet.cluster.enabled=true",
                "--diskfleet.cluster.secret=" + SECRET,
                "--diskfleet.hypervisor=qemu").start();
        return new Node(name, service, dir);
    }

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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(Postgres.URL, Postgres.USER, "")) {
            connection.createStatement().execute(statement);
        }
    }
}
