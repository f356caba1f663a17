package dev.diskfleet.api.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackFleetTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Machines' networks through the HTTP API with the records-only driver: forwards get host ports from the
 * range and keep them, ports are one machine's alone and freed with it, fleets give every member ports of
 * its own, and every bad network or busy, taken or exhausted port is refused with its problem.
 */
class GuestNetworkApiTest extends FullStackFleetTest {

    /**
     * Below Linux's ephemeral ports (32768 and up), which port-0 listeners of concurrent tests get; random, so
     * that test runs of other worktrees rarely share it.
     */
    static final int FIRST = 20000 + new Random().nextInt(9000);
    static final int RANGE = 40;

    @DynamicPropertySource
    static void hostPorts(DynamicPropertyRegistry registry) {
        registry.add("diskfleet.network.host-ports", () -> FIRST + "-" + (FIRST + RANGE - 1));
    }

    @Test
    void aForwardWithoutHostPortGetsAPortFromTheRangeAndKeepsItAcrossPowerCycles() {
        int named = FIRST - 1;
        JsonNode machine = createWithNetwork(unique("net"), """
                {"mode":"user","forwards":[{"guestPort":5432},{"guestPort":22,"hostPort":%d}],"outbound":false}"""
                .formatted(named));
        UUID id = id(machine, "id");
        JsonNode network = machine.path("network");
        assertThat(network.path("mode").asString()).isEqualTo("user");
        assertThat(network.path("outbound").asBoolean()).isFalse();
        int picked = hostPort(machine, 5432, "tcp");
        assertThat(picked).isBetween(FIRST, FIRST + RANGE - 1);
        assertThat(hostPort(machine, 22, "tcp")).isEqualTo(named);
        assertThat(forward(machine, 5432, "tcp").path("hostAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(machine.path("node").asString()).as("without a cluster, a new machine is this node's")
                .isEqualTo(api.get("/api/nodes").expect(200).json().get(0).path("name").asString());

        power(id, "start");
        power(id, "stop");
        power(id, "start");
        JsonNode again = api.get("/api/machines/" + id).expect(200).json();
        assertThat(hostPort(again, 5432, "tcp")).isEqualTo(picked);
        assertThat(hostPort(again, 22, "tcp")).isEqualTo(named);
        power(id, "stop");
    }

    @Test
    void everyMachineGetsPortsOfItsOwnAndADeletedMachineFreesThem() {
        String forwards = "{\"forwards\":[{\"guestPort\":6379},{\"guestPort\":53,\"protocol\":\"udp\"}]}";
        JsonNode first = createWithNetwork(unique("net"), forwards);
        JsonNode second = createWithNetwork(unique("net"), forwards);
        assertThat(hostPort(second, 6379, "tcp")).isNotEqualTo(hostPort(first, 6379, "tcp"));
        assertThat(hostPort(second, 53, "udp")).isNotEqualTo(hostPort(first, 53, "udp"));

        int freed = hostPort(first, 6379, "tcp");
        api.delete("/api/machines/" + id(first, "id")).expect(204);
        JsonNode third = createWithNetwork(unique("net"), "{\"forwards\":[{\"guestPort\":6379}]}");
        assertThat(hostPort(third, 6379, "tcp")).as("the lowest free port, the deleted machine's").isEqualTo(freed);
    }

    @Test
    void aNamedHostPortAnotherMachineHasIs409HostPortTaken() {
        int port = FIRST - 2;
        createWithNetwork(unique("net"), "{\"forwards\":[{\"guestPort\":80,\"hostPort\":" + port + "}]}");
        String name = unique("net");
        assertProblem(api.post("/api/machines", "{\"name\":\"" + name + "\",\"network\":{\"forwards\":[{\"guestPort\":8080,"
                + "\"hostPort\":" + port + "}]}}"), 409, "host-port-taken", String.valueOf(port));
        assertThat(api.get("/api/machines?name=" + name).expect(200).json().path("items")).as("no machine made").isEmpty();
        // the same number on the other protocol is another port
        createWithNetwork(unique("net"), "{\"forwards\":[{\"guestPort\":80,\"protocol\":\"udp\",\"hostPort\":" + port + "}]}");
    }

    @Test
    void badNetworksAre400NamingTheField() {
        assertBad("{\"forwards\":[{\"guestPort\":0}]}", "network.forwards[0].guestPort");
        assertBad("{\"forwards\":[{\"guestPort\":22,\"hostPort\":70000}]}", "network.forwards[0].hostPort");
        assertBad("{\"forwards\":[{\"guestPort\":22,\"protocol\":\"sctp\"}]}", "network.forwards[0].protocol");
        assertBad("{\"mode\":\"bridge\"}", "network.mode");
        assertBad("{\"forwards\":[{\"hostPort\":2222}]}", "network.forwards[0].guestPort");
        assertBad("{\"forwards\":[{\"guestPort\":22},{\"guestPort\":22,\"protocol\":\"tcp\"}]}",
                "network.forwards[1].guestPort");
        assertBad("{\"forwards\":[{\"guestPort\":22,\"hostPort\":2222},{\"guestPort\":23,\"hostPort\":2222}]}",
                "network.forwards[1].hostPort");
        assertBad("{\"mode\":\"none\",\"forwards\":[{\"guestPort\":22}]}", "network.forwards");
    }

    @Test
    void aHostPortHeldByAnotherProcessIs409HostPortBusyAndTheMachineStaysPoweredOff() throws IOException {
        JsonNode machine = createWithNetwork(unique("net"), "{\"forwards\":[{\"guestPort\":5432}]}");
        UUID id = id(machine, "id");
        int port = hostPort(machine, 5432, "tcp");
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertProblem(api.postEmpty("/api/machines/" + id + "/start"), 409, "host-port-busy", String.valueOf(port));
            JsonNode after = api.get("/api/machines/" + id).expect(200).json();
            assertThat(after.path("state").asString()).isEqualTo("poweredOff");
            assertThat(after.path("lastExit").path("detail").asString()).contains(String.valueOf(port));
        }
        power(id, "start");
        power(id, "stop");
    }

    @Test
    void patchReplacesTheNetworkOnlyWhilePoweredOffAndAForwardKeepsItsPort() {
        JsonNode machine = createWithNetwork(unique("net"), "{\"forwards\":[{\"guestPort\":5432}]}");
        UUID id = id(machine, "id");
        int picked = hostPort(machine, 5432, "tcp");

        JsonNode patched = api.patch("/api/machines/" + id, "{\"network\":{\"outbound\":true,\"forwards\":["
                + "{\"guestPort\":5432},{\"guestPort\":22}]}}").expect(200).json();
        assertThat(patched.path("network").path("outbound").asBoolean()).isTrue();
        assertThat(hostPort(patched, 5432, "tcp")).as("kept").isEqualTo(picked);
        assertThat(patched.path("network").path("forwards")).hasSize(2);

        power(id, "start");
        String sameAgain = "{\"network\":{\"outbound\":true,\"forwards\":[{\"guestPort\":5432},{\"guestPort\":22}]}}";
        api.patch("/api/machines/" + id, sameAgain).expect(200);
        assertProblem(api.patch("/api/machines/" + id, "{\"network\":{\"mode\":\"none\"}}"), 409, "machine-running");
        power(id, "stop");

        JsonNode none = api.patch("/api/machines/" + id, "{\"network\":{\"mode\":\"none\"}}").expect(200).json();
        assertThat(none.path("network").path("mode").asString()).isEqualTo("none");
        assertThat(none.path("network").path("forwards")).isEmpty();
    }

    @Test
    void fleetMembersGetTheHardwareAndNetworkAndPortsOfTheirOwnAndTheInventoryListsThem() {
        String name = unique("dbs");
        String prefix = unique("db");
        JsonNode fleet = deployWithNetwork(name, 3, prefix);
        UUID fleetId = id(fleet, "id");
        JsonNode node = api.get("/api/nodes").expect(200).json().get(0);
        String nodeName = node.path("name").asString();
        assertThat(node.path("guestAddress").asString()).as("by default where forwards listen")
                .isEqualTo("127.0.0.1");
        assertThat(fleet.path("placement").asString()).isEqualTo("spread");
        List<Integer> ports = new ArrayList<>();
        for (JsonNode member : fleet.path("machines")) {
            assertThat(member.path("node").asString()).as("one node holds every member").isEqualTo(nodeName);
            JsonNode machine = api.get("/api/machines/" + member.path("machineId").asString()).expect(200).json();
            assertThat(machine.path("node").asString()).isEqualTo(nodeName);
            assertThat(machine.path("network").path("forwards").get(0).path("hostAddress").asString())
                    .isEqualTo("127.0.0.1");
            assertThat(machine.path("cpus").asInt()).isEqualTo(2);
            assertThat(machine.path("memoryMb").asInt()).isEqualTo(256);
            ports.add(hostPort(machine, 5432, "tcp"));
            ports.add(hostPort(machine, 22, "tcp"));
        }
        assertThat(ports).doesNotHaveDuplicates().allMatch(port -> port >= FIRST && port < FIRST + RANGE);

        JsonNode inventory = api.get("/api/fleets/" + fleetId + "/inventory").expect(200).json();
        assertThat(inventory.path("fleetName").asString()).isEqualTo(name);
        JsonNode first = inventory.path("machines").get(0);
        assertThat(first.path("name").asString()).isEqualTo(prefix + "-1");
        assertThat(first.path("state").asString()).isEqualTo("poweredOff");
        assertThat(first.path("node").asString()).isEqualTo(nodeName);
        assertThat(first.path("forwards").path("5432/tcp").asString()).isEqualTo("127.0.0.1:" + ports.get(0));
        assertThat(first.path("forwards").path("22/tcp").asString()).isEqualTo("127.0.0.1:" + ports.get(1));

        Reply ansible = api.get("/api/fleets/" + fleetId + "/inventory?format=ansible").expect(200);
        assertThat(ansible.header("Content-Type").orElse("")).startsWith("application/yaml");
        Map<String, Object> hosts = yamlPath(new Yaml().load(ansible.text()), "all", "children",
                name.replace('-', '_'), "hosts");
        assertThat(hosts).containsOnlyKeys(prefix + "-1", prefix + "-2", prefix + "-3");
        assertThat(yamlPath(hosts, prefix + "-1")).containsEntry("ansible_host", "127.0.0.1")
                .containsEntry("ansible_port", ports.get(1))
                .containsEntry("diskfleet_machine_id", first.path("id").asString())
                .containsEntry("diskfleet_node", nodeName);

        awaitSucceeded(api.patch("/api/fleets/" + fleetId, "{\"size\":4}"));
        JsonNode scaled = api.get("/api/fleets/" + fleetId + "/inventory").expect(200).json();
        assertThat(scaled.path("machines")).hasSize(4);
        String added = scaled.path("machines").get(3).path("forwards").path("5432/tcp").asString();
        assertThat(added).startsWith("127.0.0.1:");
        assertThat(Integer.parseInt(added.substring("127.0.0.1:".length()))).isNotIn(ports);
        awaitSucceeded(api.patch("/api/fleets/" + fleetId + "?force=true", "{\"size\":1}"));
        deleteFleet("/api/fleets/" + fleetId + "?force=true");
    }

    @Test
    void anExhaustedRangeFailsADeployOrAScaleWholeWith409AndLeavesNothing() {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        String prefix = unique("many");
        assertProblem(api.post("/api/fleets", fleetWithNetwork(unique("many"), golden, RANGE + 1, prefix)), 409,
                "host-ports-exhausted", "diskfleet.network.host-ports");
        assertThat(leftovers()).isEqualTo(before);
        assertThat(api.get("/api/machines?name=" + prefix).expect(200).json().path("items")).isEmpty();

        JsonNode fleet = deployWithNetwork(unique("few"), 1, unique("few"));
        Leftovers deployed = leftovers();
        assertProblem(api.patch("/api/fleets/" + id(fleet, "id"), "{\"size\":" + (RANGE + 1) + "}"), 409,
                "host-ports-exhausted");
        assertThat(leftovers()).isEqualTo(deployed);
        deleteFleet("/api/fleets/" + id(fleet, "id") + "?force=true");
    }

    @Test
    void aFleetsForwardsNameNoHostPort() {
        String body = fleetWithNetwork(unique("f"), goldenImage(), 2, unique("f"))
                .replace("{\"guestPort\":5432}", "{\"guestPort\":5432,\"hostPort\":2345}");
        assertProblem(api.post("/api/fleets", body), 400, "invalid-network", "network.forwards[0].hostPort");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yamlPath(Map<String, Object> map, String... keys) {
        Map<String, Object> at = map;
        for (String key : keys) {
            assertThat(at).as("YAML key " + key).containsKey(key);
            at = (Map<String, Object>) at.get(key);
        }
        return at;
    }

    private JsonNode deployWithNetwork(String name, int size, String prefix) {
        JsonNode operation = awaitOperation(api.post("/api/fleets", fleetWithNetwork(name, goldenImage(), size, prefix)));
        assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("succeeded");
        return api.get(operation.path("resourceUrl").asString()).expect(200).json();
    }

    private static String fleetWithNetwork(String name, UUID golden, int size, String prefix) {
        return "{\"name\":\"" + name + "\",\"goldenImageId\":\"" + golden + "\",\"size\":" + size
                + ",\"machineNamePrefix\":\"" + prefix + "\",\"cpus\":2,\"memoryMb\":256,"
                + "\"network\":{\"forwards\":[{\"guestPort\":5432},{\"guestPort\":22}]}}";
    }

    private void awaitSucceeded(Reply accepted) {
        JsonNode operation = awaitOperation(accepted);
        assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("succeeded");
    }

    private JsonNode createWithNetwork(String name, String network) {
        return api.post("/api/machines", "{\"name\":\"" + name + "\",\"network\":" + network + "}").expect(201).json();
    }

    private void assertBad(String network, String field) {
        Reply reply = api.post("/api/machines", "{\"name\":\"" + unique("bad") + "\",\"network\":" + network + "}");
        reply.expect(400);
        assertThat(reply.text()).as(network).contains(field);
    }

    private static JsonNode forward(JsonNode machine, int guestPort, String protocol) {
        for (JsonNode forward : machine.path("network").path("forwards")) {
            if (forward.path("guestPort").asInt() == guestPort && forward.path("protocol").asString().equals(protocol)) {
                return forward;
            }
        }
        throw new AssertionError("no forward of " + guestPort + "/" + protocol + " in " + machine);
    }

    private static int hostPort(JsonNode machine, int guestPort, String protocol) {
        return forward(machine, guestPort, protocol).path("hostPort").asInt();
    }
}
