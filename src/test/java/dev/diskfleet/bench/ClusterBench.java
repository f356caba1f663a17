package dev.diskfleet.bench;

import static dev.diskfleet.support.DiskfleetClient.body;

import dev.diskfleet.support.ClusterProcesses;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.Poll;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A fleet over the nodes of a cluster against the same fleet on one node, from the request to every member
 * running: {@code bench.records} (300) members with the records-only driver, and {@code bench.guests} (12) test
 * guests under QEMU (then also to every guest's console saying it is up). Each layout is a fresh cluster of
 * service processes on one PostgreSQL schema ({@link ClusterProcesses}); each fleet is deployed once untimed at
 * a tenth of its size (at least one member per node) first, so both layouts are timed warm, with the golden
 * already copied to every node. CPU is the service processes' own (all nodes), not
 * QEMU's. Not a test: see docs/several-hosts.md for the command.
 */
public final class ClusterBench {

    private static final Duration BOOT = Duration.ofMinutes(10);

    private ClusterBench() {
    }

    public static void main(String[] args) {
        int records = Integer.getInteger("bench.records", 300);
        int guests = Integer.getInteger("bench.guests", 12);
        List<String> lines = new ArrayList<>();
        for (int nodes : List.of(3, 1)) {
            lines.add(records(nodes, records));
        }
        for (int nodes : List.of(3, 1)) {
            lines.add(guests(nodes, guests));
        }
        System.out.println();
        System.out.println("| fleet | nodes | to all running | to all guests up | service CPU | members per node |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        lines.forEach(System.out::println);
    }

    private static String records(int nodes, int size) {
        try (ClusterProcesses cluster = new ClusterProcesses("diskfleet_bench")) {
            cluster.start(names(nodes), "--diskfleet.hypervisor=none", "--diskfleet.node.max-guest-memory-mb=1000000");
            DiskfleetClient api = cluster.node("node-a").api();
            String golden = api.post("/api/images", body("name", "bench-golden", "sizeBytes", 64 << 20,
                    "format", "vdi", "type", "immutable")).expect(201).json().path("id").asString();
            deploy(api, golden, "warm", Math.max(nodes, size / 10), 64);
            double cpu = cpuSeconds(cluster);
            long started = System.nanoTime();
            JsonNode fleet = deploy(api, golden, "bench", size, 64);
            double seconds = (System.nanoTime() - started) / 1e9;
            return row(size + " records-only", nodes, seconds, Double.NaN, cpuSeconds(cluster) - cpu, fleet);
        }
    }

    private static String guests(int nodes, int size) {
        try (ClusterProcesses cluster = new ClusterProcesses("diskfleet_bench")) {
            cluster.start(names(nodes), "--diskfleet.hypervisor=qemu", "--diskfleet.node.max-guest-memory-mb=1000000");
            DiskfleetClient api = cluster.node("node-a").api();
            String raw = api.upload("PUT", "/api/images/uploads?name=bench-raw&type=normal", guestDisk())
                    .expect(201).json().path("id").asString();
            JsonNode cloned = api.awaitOperation(api.post("/api/images/" + raw + "/clone", body("name", "bench-golden",
                    "format", "qcow2", "type", "immutable")).expect(202).header("Location").orElseThrow());
            String golden = api.get(cloned.path("resourceUrl").asString()).expect(200).json().path("id").asString();
            stopAll(api, deploy(api, golden, "warm", Math.max(nodes, size / 10), 256));
            double cpu = cpuSeconds(cluster);
            long started = System.nanoTime();
            JsonNode fleet = deploy(api, golden, "bench", size, 256);
            double running = (System.nanoTime() - started) / 1e9;
            for (JsonNode member : fleet.path("machines")) {
                String machine = member.path("machineId").asString();
                Poll.until("guest " + machine + " up", BOOT, () -> api.get("/api/machines/" + machine
                        + "/console?tail=50").expect(200).text().contains(TestGuest.stayingUpLine(machine)));
            }
            double up = (System.nanoTime() - started) / 1e9;
            double serviceCpu = cpuSeconds(cluster) - cpu;
            stopAll(api, fleet);
            return row(size + " QEMU guests", nodes, running, up, serviceCpu, fleet);
        }
    }

    /** Deploys and starts a fleet; returns it once its operation has finished and every member runs. */
    private static JsonNode deploy(DiskfleetClient api, String golden, String name, int size, int memoryMb) {
        JsonNode done = api.awaitOperation(api.post("/api/fleets", body("name", name, "goldenImageId", golden, "size",
                size, "machineNamePrefix", name, "memoryMb", memoryMb, "start", true)).expect(202)
                .header("Location").orElseThrow());
        if (!done.path("state").asString().equals("succeeded")) {
            throw new IllegalStateException("deployment failed: " + done);
        }
        JsonNode fleet = api.get(done.path("resourceUrl").asString() + "?size=" + size).expect(200).json();
        for (JsonNode member : fleet.path("machines")) {
            if (!member.path("state").asString().equals("running")) {
                throw new IllegalStateException("member not running after the deployment: " + member);
            }
        }
        return fleet;
    }

    private static void stopAll(DiskfleetClient api, JsonNode fleet) {
        api.awaitOperation(api.postEmpty("/api/fleets/" + fleet.path("id").asString() + "/stop?force=true").expect(202)
                .header("Location").orElseThrow());
    }

    private static String row(String what, int nodes, double running, double up, double cpu, JsonNode fleet) {
        Map<String, Integer> perNode = new TreeMap<>();
        fleet.path("machines").forEach(member -> perNode.merge(member.path("node").asString(), 1, Integer::sum));
        String line = String.format(Locale.ROOT, "| %s | %d | %.1f s | %s | %.1f s | %s |", what, nodes, running,
                Double.isNaN(up) ? "–" : String.format(Locale.ROOT, "%.1f s", up), cpu, perNode);
        System.out.println(line);
        return line;
    }

    private static double cpuSeconds(ClusterProcesses cluster) {
        return cluster.nodes().values().stream().mapToDouble(node -> node.service().process().info().totalCpuDuration()
                .map(duration -> duration.toNanos() / 1e9).orElse(0.0)).sum();
    }

    private static List<String> names(int nodes) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            names.add("node-" + (char) ('a' + i));
        }
        return names;
    }

    private static java.net.http.HttpRequest.BodyPublisher guestDisk() {
        try {
            return BodyPublishers.ofFile(TestGuest.disk(Behaviour.STAY_UP));
        } catch (FileNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
