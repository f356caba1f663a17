package dev.diskfleet.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Fleet steps on top of {@link FullStackTest}: a golden image with known content, deployments, and leftovers. */
public abstract class FullStackFleetTest extends FullStackTest {

    protected static final long GOLDEN_SIZE = 8L << 20;
    protected static final byte[] MARKER = "GOLDEN-DB-IMAGE".getBytes(StandardCharsets.US_ASCII);

    @Autowired
    protected JdbcClient jdbc;

    /** A normal VDI image holding {@link #MARKER} at the start of every MiB. */
    protected UUID goldenImage() {
        UUID id = id(api.post("/api/images", DiskfleetClient.body("name", unique("golden"), "sizeBytes", GOLDEN_SIZE))
                .expect(201).json(), "id");
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

    protected static String fleetJson(String name, UUID golden, int size, String prefix, boolean start) {
        return "{\"name\":\"" + name + "\",\"goldenImageId\":\"" + golden + "\",\"size\":" + size
                + ",\"machineNamePrefix\":\"" + prefix + "\",\"autoReset\":true,\"start\":" + start + "}";
    }

    /** Checks that a request was accepted (202), waits for its operation to finish and returns it. */
    protected JsonNode awaitOperation(Reply accepted) {
        return api.awaitOperation("/api/operations/" + accepted.expect(202).json().get("id").asString());
    }

    /** Deletes a fleet (202), waits for the deletion's operation and checks that it succeeded. */
    protected void deleteFleet(String path) {
        JsonNode operation = awaitOperation(api.delete(path));
        assertThat(operation.get("kind").asString()).isEqualTo("fleet.delete");
        assertThat(operation.get("state").asString()).as(operation.toString()).isEqualTo("succeeded");
    }

    /** Deploys a fleet, checks the deployment succeeded and returns the fleet. */
    protected JsonNode deploy(String name, UUID golden, int size, String prefix, boolean start) {
        JsonNode operation = awaitOperation(api.post("/api/fleets", fleetJson(name, golden, size, prefix, start)));
        if (!operation.get("state").asString().equals("succeeded")) {
            throw new AssertionError("deployment failed: " + operation);
        }
        return api.get(operation.get("resourceUrl").asString()).expect(200).json();
    }

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
}
