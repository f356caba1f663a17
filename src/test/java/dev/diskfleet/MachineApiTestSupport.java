package dev.diskfleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.TestHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One application context for the machine, attachment, guest I/O and snapshot tests: real HTTP, H2 and a
 * storage root in a temporary folder, started once for all of them. Tests share the database, so every
 * name they create is unique.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class MachineApiTestSupport {

    protected static final Path DATA_DIR = temporaryDataDir();
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    /** Small disks keep the tests fast: four 1 MiB VDI blocks. */
    protected static final long DISK_SIZE = 4L << 20;
    private static final AtomicInteger NAMES = new AtomicInteger();

    protected final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void isolatedStorage(DynamicPropertyRegistry registry) {
        registry.add("diskfleet.data-dir", DATA_DIR::toString);
        registry.add("diskfleet.storage.root", () -> DATA_DIR.resolve("images").toString());
    }

    // ---- HTTP --------------------------------------------------------------------------------------

    protected HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    }

    protected HttpResponse<String> send(HttpRequest request) {
        return TestHttp.send(http, request, HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<byte[]> sendForBytes(HttpRequest request) {
        return TestHttp.send(http, request, HttpResponse.BodyHandlers.ofByteArray());
    }

    protected HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    protected HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    protected HttpResponse<String> post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    protected HttpResponse<String> patch(String path, String json, String... headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    protected HttpResponse<String> delete(String path, String... headers) {
        HttpRequest.Builder builder = request(path).DELETE();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Asserts a problem response: its status, its type slug and that its detail names what it should. */
    protected static JsonNode assertProblem(HttpResponse<String> response, int status, String type,
            String... detailMentions) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("type").asString()).endsWith("/" + type);
        if (detailMentions.length > 0) {
            assertThat(problem.get("detail").asString()).contains(detailMentions);
        }
        return problem;
    }

    // ---- resources ---------------------------------------------------------------------------------

    protected static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected UUID createImage(String type) {
        return createImage(type, "vdi");
    }

    protected UUID createImage(String type, String format) {
        HttpResponse<String> created = post("/api/images", "{\"name\":\"" + unique("disk") + "\",\"sizeBytes\":"
                + DISK_SIZE + ",\"format\":\"" + format + "\",\"type\":\"" + type + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(json(created).get("id").asString());
    }

    protected UUID createMachine() {
        return createMachine(unique("vm"));
    }

    protected UUID createMachine(String name) {
        HttpResponse<String> created = post("/api/machines", "{\"name\":\"" + name + "\",\"cpus\":2,\"memoryMb\":2048}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(json(created).get("id").asString());
    }

    protected HttpResponse<String> attach(UUID machine, UUID image, int port, String extra) {
        return post("/api/machines/" + machine + "/attachments", "{\"imageId\":\"" + image + "\",\"port\":" + port
                + ",\"device\":0" + extra + "}");
    }

    /** Attaches at the port and returns the attachment's JSON. */
    protected JsonNode attached(UUID machine, UUID image, int port) {
        return attached(machine, image, port, "");
    }

    protected JsonNode attached(UUID machine, UUID image, int port, String extra) {
        HttpResponse<String> response = attach(machine, image, port, extra);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response);
    }

    protected static UUID id(JsonNode node, String field) {
        return UUID.fromString(node.get(field).asString());
    }

    protected String dataPath(UUID machine, UUID attachment) {
        return "/api/machines/" + machine + "/attachments/" + attachment + "/data";
    }

    protected HttpResponse<String> write(UUID machine, UUID attachment, long offset, byte[] data) {
        return send(request(dataPath(machine, attachment)).header("Content-Type", "application/octet-stream")
                .header("Content-Range", "bytes " + offset + "-" + (offset + data.length - 1) + "/*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build());
    }

    protected void written(UUID machine, UUID attachment, long offset, byte[] data) {
        HttpResponse<String> response = write(machine, attachment, offset, data);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    protected byte[] read(UUID machine, UUID attachment, long offset, int length) {
        HttpResponse<byte[]> response = sendForBytes(request(dataPath(machine, attachment))
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1)).GET().build());
        assertThat(response.statusCode()).isEqualTo(206);
        return response.body();
    }

    protected void power(UUID machine, String action) {
        HttpResponse<String> response = post("/api/machines/" + machine + "/" + action);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /**
     * A golden image seeded over HTTP as a user would: a blank normal image attached to a seeding machine,
     * written through the guest I/O endpoint, detached, then made immutable.
     */
    protected UUID goldenImage(byte[] content) {
        UUID image = createImage("normal");
        UUID seeder = createMachine(unique("seeder"));
        UUID attachment = id(attached(seeder, image, 0), "id");
        written(seeder, attachment, 0, content);
        assertThat(delete("/api/machines/" + seeder).statusCode()).isEqualTo(204);
        HttpResponse<String> retyped = patch("/api/images/" + image, "{\"type\":\"immutable\"}");
        assertThat(retyped.statusCode()).as(retyped.body()).isEqualTo(200);
        return image;
    }

    protected static byte[] pattern(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected Path imageFile(UUID image) {
        return DATA_DIR.resolve("images").resolve(image + ".vdi");
    }

    protected static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path temporaryDataDir() {
        try {
            Path dir = Files.createTempDirectory("diskfleet-machine-tests");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }
}
