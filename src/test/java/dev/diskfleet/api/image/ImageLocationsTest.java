package dev.diskfleet.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.image.StorageReconciler;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.FullStackTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * One node (the embedded database, no cluster): every image it makes is located on it, a lost location is
 * found again at startup from the files, and the internal endpoints of a cluster do not exist.
 */
class ImageLocationsTest extends FullStackTest {

    @Autowired
    LocalNode node;
    @Autowired
    StorageReconciler reconciler;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aNewImageAndAMachinesOwnDiskAreLocatedOnThisNode() {
        UUID golden = createImage("immutable");
        assertThat(locations(golden)).containsExactly(node.name());

        JsonNode attachment = attached(createMachine(), golden, 0);
        assertThat(locations(id(attachment, "mediumId"))).as("the machine's differencing disk").containsExactly(node.name());
        JsonNode listed = api.get("/api/images?name=" + api.get("/api/images/" + golden).expect(200).json()
                .get("name").asString()).expect(200).json();
        assertThat(listed.get("items").get(0).get("locations").get(0).asString()).isEqualTo(node.name());
    }

    @Test
    void startupRecordsTheFilesItFindsAndForgetsTheOnesThatAreGone() {
        UUID kept = createImage("normal");
        UUID lost = createImage("normal");
        jdbc.update("DELETE FROM image_locations WHERE image_id = ?", kept);
        store.delete(lost);

        reconciler.reconcile();

        assertThat(locations(kept)).containsExactly(node.name());
        JsonNode missing = api.get("/api/images/" + lost).expect(200).json();
        assertThat(missing.get("locations")).isEmpty();
        assertThat(missing.get("state").asString()).isEqualTo("inaccessible");
        api.delete("/api/images/" + lost).expect(204);
    }

    @Test
    void copyingAnImageToTheNodeThatHoldsItChangesNothingAndAnotherNodeMustBeAskedItself() {
        UUID golden = createImage("immutable");

        String operation = api.postEmpty("/api/images/" + golden + "/locations/" + node.name()).expect(202)
                .header("Location").orElseThrow();
        assertThat(api.awaitOperation(operation).path("state").asString()).isEqualTo("succeeded");
        assertThat(locations(golden)).containsExactly(node.name());
        api.postEmpty("/api/images/" + golden + "/locations/no-such-node").expectProblem(404, "not-found");
    }

    @Test
    void withoutAClusterTheInternalEndpointsDoNotExistEvenForAnAdmin() {
        UUID golden = createImage("immutable");
        DiskfleetClient.Reply reply = api.get("/internal/images/" + golden + "/content",
                "X-Diskfleet-Cluster-Secret", "anything");
        reply.expectProblem(404, "not-found");
    }

    private List<String> locations(UUID image) {
        List<String> names = new ArrayList<>();
        api.get("/api/images/" + image).expect(200).json().get("locations").forEach(name -> names.add(name.asString()));
        return names;
    }
}
