package dev.diskfleet.api.fleet;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.TemporaryDataDir;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Random;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * API-level timing of a fleet deployment: a golden image of {@code bench.goldenGiB} GiB virtual holding
 * {@code bench.dataMiB} MiB of data, deployed as {@code bench.size} machines through POST /api/fleets on
 * a service started in this JVM (H2, storage root under {@code bench.dir}). The split comes from the
 * service's own clocks: the operation's creation, the base clone's row (recorded the moment the clone
 * is complete) and the operation's finish. {@code bench.warmups} (2) fleets are deployed and deleted first,
 * so the measured one meets a warmed-up service. Not a test: run it by hand, see docs/fleet-benchmark.md.
 *
 * <pre>
 * mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.diskfleet.fleet.FleetDeployBench
 * </pre>
 */
public final class FleetDeployBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MIB = 1 << 20;

    private FleetDeployBench() {
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.getInteger("bench.size", 100);
        long goldenBytes = Long.getLong("bench.goldenGiB", 10) << 30;
        int dataMiB = Integer.getInteger("bench.dataMiB", 1024);
        Path dir = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")))
                .resolve("diskfleet-fleet-bench-" + UUID.randomUUID());
        ConfigurableApplicationContext app = SpringApplication.run(DiskfleetApplication.class, "--server.port=0",
                "--diskfleet.data-dir=" + dir, "--logging.level.root=WARN",
                "--diskfleet.security.admin-token=" + DiskfleetClient.TEST_ADMIN_TOKEN);
        try {
            String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            JsonNode golden = send(http, post(base + "/api/images",
                    "{\"name\":\"bench-golden\",\"sizeBytes\":" + goldenBytes + "}"));
            UUID goldenId = UUID.fromString(golden.get("id").asString());
            fill(app.getBean(ImageStore.class), goldenId, goldenBytes, dataMiB);

            // A service in steady state has its code paths compiled: deploy and delete warm-up fleets first.
            for (int warmup = Integer.getInteger("bench.warmups", 2); warmup > 0; warmup--) {
                JsonNode done = deploy(http, base, goldenId, size, "warmup" + warmup);
                await(http, base, send(http, HttpRequest.newBuilder(URI.create(base + done.get("resourceUrl").asString()))
                        .DELETE().build()), "deletion");
            }
            long started = System.nanoTime();
            JsonNode operation = deploy(http, base, goldenId, size, "bench");
            long wallMillis = (System.nanoTime() - started) / 1_000_000;
            JsonNode fleet = send(http, HttpRequest.newBuilder(URI.create(base + operation.get("resourceUrl").asString()))
                    .GET().build());
            JsonNode baseImage = send(http, HttpRequest.newBuilder(URI.create(base + "/api/images/"
                    + fleet.get("baseImageId").asString())).GET().build());
            report(size, goldenBytes, dataMiB, wallMillis, operation, baseImage, fleet.get("usage"));
        } finally {
            app.close();
            TemporaryDataDir.deleteTree(dir);
        }
    }

    /** POST /api/fleets and long-poll its operation to the end; returns the succeeded operation. */
    private static JsonNode deploy(HttpClient http, String base, UUID goldenId, int size, String name) throws Exception {
        return await(http, base, send(http, post(base + "/api/fleets", "{\"name\":\"" + name + "\",\"goldenImageId\":\""
                + goldenId + "\",\"size\":" + size + ",\"machineNamePrefix\":\"" + name + "\",\"start\":false}")),
                "deployment");
    }

    /** Long-polls an accepted operation to its end; returns it once succeeded. */
    private static JsonNode await(HttpClient http, String base, JsonNode operation, String what) throws Exception {
        String id = operation.get("id").asString();
        while (!operation.get("state").asString().matches("succeeded|failed")) {
            operation = send(http, HttpRequest.newBuilder(URI.create(base + "/api/operations/" + id
                    + "/wait?timeout=60")).GET().build());
        }
        if (!operation.get("state").asString().equals("succeeded")) {
            throw new IllegalStateException(what + " failed: " + operation.get("error"));
        }
        return operation;
    }

    private static void report(int size, long goldenBytes, int dataMiB, long wallMillis, JsonNode operation,
            JsonNode baseImage, JsonNode usage) {
        OffsetDateTime created = OffsetDateTime.parse(operation.get("createdAt").asString());
        OffsetDateTime cloned = OffsetDateTime.parse(baseImage.get("createdAt").asString());
        OffsetDateTime finished = OffsetDateTime.parse(operation.get("finishedAt").asString());
        long disks = usage.get("machineDisksBytes").asLong();
        System.out.printf("fleet of %d machines from a %d GiB golden image holding %d MiB%n", size, goldenBytes >> 30,
                dataMiB);
        System.out.printf("| whole call (client wall clock)        | %8d ms |%n", wallMillis);
        System.out.printf("| clone of the golden (server)          | %8d ms |%n", Duration.between(created, cloned).toMillis());
        System.out.printf("| %3d machines after the clone (server) | %8d ms |%n", size,
                Duration.between(cloned, finished).toMillis());
        System.out.printf("| base clone on disk                    | %8d KiB |%n", usage.get("baseBytes").asLong() >> 10);
        System.out.printf("| all %3d machine disks                 | %8d KiB |%n", size, disks >> 10);
        System.out.printf("| per machine disk                      | %8d KiB |%n", disks / size >> 10);
        System.out.printf("| saved against %3d full copies         | %8d MiB |%n", size, usage.get("savedBytes").asLong() >> 20);
    }

    /** Writes {@code dataMiB} MiB of incompressible data spread evenly over the golden image. */
    private static void fill(ImageStore store, UUID id, long size, int dataMiB) {
        Random random = new Random(42);
        byte[] chunk = new byte[MIB];
        long stride = Math.max(MIB, size / dataMiB / MIB * MIB);
        for (int i = 0; i < dataMiB; i++) {
            random.nextBytes(chunk);
            store.write(id, i * stride, ByteBuffer.wrap(chunk));
        }
    }

    private static HttpRequest post(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static JsonNode send(HttpClient http, HttpRequest request) throws Exception {
        HttpRequest authorized = HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Authorization", "Bearer " + DiskfleetClient.TEST_ADMIN_TOKEN).build();
        HttpResponse<String> response = http.send(authorized, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(request.uri() + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }
}
