package dev.diskfleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Fleet-test steps: a golden image with known content, deployments, and what is in the storage root. */
public abstract class FleetTestSupport extends FleetServiceTestSupport {

    protected static final long GOLDEN_SIZE = 8L << 20;
    protected static final byte[] MARKER = "GOLDEN-DB-IMAGE".getBytes(StandardCharsets.US_ASCII);

    @Autowired
    protected ImageStore store;

    /** A normal VDI image holding {@link #MARKER} at the start of every MiB. */
    protected UUID goldenImage() {
        HttpResponse<String> created = postJson("/api/images",
                "{\"name\":\"golden-" + UUID.randomUUID() + "\",\"sizeBytes\":" + GOLDEN_SIZE + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(json(created).get("id").asString());
        for (long offset = 0; offset < GOLDEN_SIZE; offset += 1 << 20) {
            store.write(id, offset, ByteBuffer.wrap(MARKER));
        }
        return id;
    }

    protected byte[] readDisk(UUID imageId, long offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        store.read(imageId, offset, buffer);
        return buffer.array();
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static String fleetJson(String name, UUID golden, int size, String prefix, boolean start) {
        return "{\"name\":\"" + name + "\",\"goldenImageId\":\"" + golden + "\",\"size\":" + size
                + ",\"machineNamePrefix\":\"" + prefix + "\",\"autoReset\":true,\"start\":" + start + "}";
    }

    /** Waits for an operation to finish and returns it. */
    protected JsonNode awaitOperation(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json(accepted).get("id").asString();
        for (int i = 0; i < 10; i++) {
            JsonNode operation = json(get("/api/operations/" + id + "/wait?timeout=30"));
            String state = operation.get("state").asString();
            if (state.equals("succeeded") || state.equals("failed")) {
                return operation;
            }
        }
        throw new AssertionError("operation " + id + " did not finish in 5 minutes");
    }

    protected JsonNode deploy(String name, UUID golden, int size, String prefix, boolean start) {
        JsonNode operation = awaitOperation(postJson("/api/fleets", fleetJson(name, golden, size, prefix, start)));
        assertThat(operation.get("state").asString()).as(operation.toString()).isEqualTo("succeeded");
        return json(get(operation.get("resourceUrl").asString()));
    }

    protected HttpResponse<String> patch(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    protected HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    @Autowired
    protected JdbcClient jdbc;

    /** What a fleet change may leave behind: the rows of every table involved and the files in the root. */
    public record Leftovers(long images, long machines, long attachments, long fleets, long members,
            Set<String> files) {
    }

    protected Leftovers leftovers() {
        return new Leftovers(rows("images"), rows("machines"), rows("attachments"), rows("fleets"),
                rows("fleet_machines"), storageFiles());
    }

    private long rows(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    /** Every file in the storage root, temporaries included. */
    protected Set<String> storageFiles() {
        try (Stream<Path> files = Files.list(storageRoot())) {
            return files.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
