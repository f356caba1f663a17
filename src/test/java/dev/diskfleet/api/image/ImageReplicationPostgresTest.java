package dev.diskfleet.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.diskfleet.provisioning.replication.ReplicaSweep;
import dev.diskfleet.support.ClusterOnPostgres;
import dev.diskfleet.support.ClusterOnPostgres.Node;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.ProcessTest;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes of a cluster on one PostgreSQL database (a fresh schema per test), each with its own storage root:
 * a golden uploaded to node A and made immutable is copied to node B, once however often B is asked, checked
 * by {@code qemu-img compare}; the internal endpoint it travels through answers only the cluster secret; a
 * node that sends bytes other than it announced leaves nothing on B; and a deleted golden's copy goes from B
 * at B's next sweep.
 */
@ProcessTest
class ImageReplicationPostgresTest {

    private static final String SECRET = ClusterOnPostgres.SECRET;
    private static final int DISK = 32 << 20;

    private final HttpClient http = HttpClient.newHttpClient();
    private ClusterOnPostgres cluster;
    private HttpServer fakeNode;

    @BeforeEach
    void schema() {
        QemuTools.require("qemu-img");
        cluster = new ClusterOnPostgres("diskfleet_repl");
    }

    @AfterEach
    void stop() {
        if (fakeNode != null) {
            fakeNode.stop(0);
        }
        cluster.close();
    }

    @Test
    void anImmutableGoldenIsCopiedOnceToTheNodeThatAsksAndBothAreItsLocations() throws Exception {
        Node a = start("node-a");
        Node b = start("node-b");
        Path raw = goldenRaw(a.dir());
        String golden = uploadImmutable(a, raw, "golden");
        assertThat(locations(a, golden)).containsExactly("node-a");

        // Two requests at once: both succeed, one copy is made.
        CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(() -> copyTo(b, golden));
        CompletableFuture<JsonNode> second = CompletableFuture.supplyAsync(() -> copyTo(b, golden));
        assertThat(first.get().path("state").asString()).isEqualTo("succeeded");
        assertThat(second.get().path("state").asString()).isEqualTo("succeeded");

        Path original = a.dir().resolve("images").resolve(golden + ".vdi");
        Path copy = b.dir().resolve("images").resolve(golden + ".vdi");
        QemuTools.assertIdentical(copy, raw);
        assertThat(QemuTools.run("qemu-img", "compare", "-f", "vdi", "-F", "vdi", original.toString(),
                copy.toString()).exitCode()).as("qemu-img compare of the original and the copy").isZero();
        assertThat(b.replicatedBytes()).as("bytes node B copied").isEqualTo(Files.size(original));
        assertThat(a.replicatedBytes()).isZero();
        for (Node node : List.of(a, b)) {
            assertThat(locations(node, golden)).containsExactly("node-a", "node-b");
        }
        // Asked again, B has it: nothing more is copied.
        assertThat(copyTo(b, golden).path("state").asString()).isEqualTo("succeeded");
        assertThat(b.replicatedBytes()).isEqualTo(Files.size(original));

        // A node copies to itself only: A names B's URL.
        assertThat(a.client().postEmpty("/api/images/" + golden + "/locations/node-b")
                .expectProblem(409, "not-this-node")).contains("node-b", b.client().baseUrl());

        // Deleted on A: its rows go at once, B's copy at B's next sweep.
        a.client().delete("/api/images/" + golden).expect(204);
        assertThat(cluster.count("SELECT COUNT(*) FROM image_locations WHERE image_id = '" + golden + "'")).isZero();
        assertThat(copy).exists();
        assertThat(b.context().getBean(ReplicaSweep.class).sweep()).isEqualTo(1);
        assertThat(copy).doesNotExist();
        assertThat(a.context().getBean(ReplicaSweep.class).sweep()).as("A's own file went with the delete").isZero();
    }

    @Test
    void aMutableImageStaysOnItsNodeAndACopyIsRefusedNamingIt() {
        Node a = start("node-a");
        Node b = start("node-b");
        String normal = a.client().post("/api/images", DiskfleetClient.body("name", "written", "sizeBytes", 1 << 20,
                "format", "vdi", "type", "normal")).expect(201).json().get("id").asString();

        String detail = b.client().postEmpty("/api/images/" + normal + "/locations/node-b")
                .expectProblem(409, "image-on-another-node");
        assertThat(detail).contains("node-a", "normal");
        assertThat(b.client().get("/api/images/" + normal).expect(200).json().get("state").asString())
                .as("B does not take A's image for missing").isEqualTo("ready");
    }

    @Test
    void theInternalEndpointAnswersTheClusterSecretOnlyNeverAUserToken() throws Exception {
        Node a = start("node-a");
        String golden = uploadImmutable(a, goldenRaw(a.dir()), "golden");
        String content = a.client().baseUrl() + "/internal/images/" + golden + "/content";

        HttpResponse<byte[]> admin = internalGet(content, "Authorization", "Bearer " + DiskfleetClient.TEST_ADMIN_TOKEN);
        assertProblem(admin, 403, "cluster-secret-refused");
        assertProblem(internalGet(content, "X-Diskfleet-Cluster-Secret", SECRET + "x"), 403, "cluster-secret-refused");
        assertProblem(internalGet(content), 403, "cluster-secret-refused");

        HttpResponse<byte[]> served = internalGet(content, "X-Diskfleet-Cluster-Secret", SECRET);
        assertThat(served.statusCode()).isEqualTo(200);
        byte[] stored = Files.readAllBytes(a.dir().resolve("images").resolve(golden + ".vdi"));
        assertThat(served.body()).as("the file as stored").isEqualTo(stored);
        assertThat(served.headers().firstValue("X-Diskfleet-Content-Sha256")).hasValue(sha256(stored));
        assertThat(cluster.count("SELECT COUNT(*) FROM image_locations WHERE content_sha256 = '" + sha256(stored) + "'"))
                .as("the digest is kept for the next copy").isOne();
        assertThat(a.client().get("/v3/api-docs").expect(200).text()).doesNotContain("/internal");
    }

    @Test
    void aNodeThatSendsOtherBytesThanItAnnouncedLeavesNoFileAndNoLocation() throws Exception {
        Node a = start("node-a");
        Node b = start("node-b");
        String golden = uploadImmutable(a, goldenRaw(a.dir()), "golden");
        byte[] genuine = Files.readAllBytes(a.dir().resolve("images").resolve(golden + ".vdi"));
        byte[] tampered = genuine.clone();
        tampered[tampered.length - 1] ^= 0x5a;
        fakeNode = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeNode.createContext("/internal/images/", exchange -> {
            exchange.getResponseHeaders().set("X-Diskfleet-Content-Sha256", sha256(genuine));
            exchange.getResponseHeaders().set("X-Diskfleet-Image-Format", "vdi");
            exchange.sendResponseHeaders(200, tampered.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(tampered);
            }
        });
        fakeNode.start();
        // The golden is now only on node-evil, which is online.
        cluster.sql("INSERT INTO nodes (id, name, url, instance, drained, started_at, last_heartbeat, cpus, memory_bytes,"
                + " free_guest_memory_bytes, free_disk_bytes, running_guests, service_version, created_at, updated_at,"
                + " version) VALUES ('" + UUID.randomUUID() + "', 'node-evil', 'http://127.0.0.1:"
                + fakeNode.getAddress().getPort() + "', '1@evil:/', false, now(), now() + interval '1 hour', 1, 0, 0,"
                + " 0, 0, 'test', now(), now(), 0)");
        cluster.sql("UPDATE image_locations SET node_name = 'node-evil' WHERE image_id = '" + golden + "'");

        JsonNode operation = copyTo(b, golden);

        assertThat(operation.path("state").asString()).isEqualTo("failed");
        assertThat(operation.path("error").path("type").asString()).endsWith("/image-copy-failed");
        assertThat(operation.path("error").path("detail").asString()).contains("node-evil", "SHA-256", "discarded");
        try (Stream<Path> files = Files.list(b.dir().resolve("images"))) {
            assertThat(files.map(Path::getFileName).map(Path::toString))
                    .as("neither the copy nor a temporary file").noneMatch(name -> name.contains(golden));
        }
        assertThat(cluster.count("SELECT COUNT(*) FROM image_locations WHERE node_name = 'node-b'")).isZero();
        assertThat(b.replicatedBytes()).isZero();
    }

    private Node start(String name) {
        return cluster.start(name, Map.of());
    }

    /** A 32 MiB disk with a marker at its start and another 20 MiB in: a raw file and its qemu-img VDI. */
    private static Path goldenRaw(Path dir) throws IOException {
        Path raw = dir.resolve("golden.raw");
        QemuTools.qemuImg("create", "-q", "-f", "raw", raw.toString(), String.valueOf(DISK));
        try (var channel = java.nio.channels.FileChannel.open(raw, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("DISKFLEET-GOLDEN".getBytes(StandardCharsets.US_ASCII)), 0);
            channel.write(java.nio.ByteBuffer.wrap("LATER-SECTOR".getBytes(StandardCharsets.US_ASCII)), 20 << 20);
        }
        return raw;
    }

    private static String uploadImmutable(Node node, Path raw, String name) {
        Path vdi = raw.resolveSibling(name + ".vdi");
        QemuTools.qemuImg("convert", "-f", "raw", "-O", "vdi", raw.toString(), vdi.toString());
        try {
            String id = node.client().upload("PUT", "/api/images/uploads?name=" + name + "&type=immutable",
                    BodyPublishers.ofFile(vdi), "Content-Type", "application/octet-stream").expect(201).json()
                    .get("id").asString();
            Files.delete(vdi);
            return id;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode copyTo(Node node, String image) {
        DiskfleetClient.Reply accepted = node.client().postEmpty("/api/images/" + image + "/locations/" + node.name())
                .expect(202);
        return node.client().awaitOperation(accepted.header("Location").orElseThrow());
    }

    private static List<String> locations(Node node, String image) {
        JsonNode locations = node.client().get("/api/images/" + image).expect(200).json().get("locations");
        List<String> names = new ArrayList<>();
        locations.forEach(name -> names.add(name.asString()));
        return names;
    }

    private HttpResponse<byte[]> internalGet(String url, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), BodyHandlers.ofByteArray());
    }

    private static void assertProblem(HttpResponse<byte[]> response, int status, String type) {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                value -> assertThat(value).startsWith("application/problem+json"));
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("/problems/" + type)
                .doesNotContain(SECRET);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
