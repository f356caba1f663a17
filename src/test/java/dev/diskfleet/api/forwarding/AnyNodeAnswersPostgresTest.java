package dev.diskfleet.api.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.hypervisor.GuestState;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.support.ClusterOnPostgres;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.ProcessTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes of a cluster on one PostgreSQL schema, started once for the class: a machine and its normal disk
 * live on node B, and every action on them sent to node A is answered by B as if A had answered it (same
 * status, headers that matter and bytes as asking B), with the caller's own token; a request that says it
 * was forwarded but lacks the cluster secret is refused; and once B is stopped A answers those actions with a
 * 503 naming it, while its rows still read from A. The last test stops B.
 */
@ProcessTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnyNodeAnswersPostgresTest {

    private static final String SECRET = ClusterOnPostgres.SECRET;
    private static final long DISK = 4 << 20;
    private static final String[] CONTENT_HEADERS = {"Content-Length", "Content-Type", "Content-Range",
        "Content-Disposition", "Accept-Ranges", "Content-Security-Policy", "X-Content-Type-Options",
        "Cache-Control"};

    private ClusterOnPostgres cluster;
    private Node a;
    private Node b;
    private UUID machine;
    private UUID disk;
    private UUID attachment;
    private byte[] written;

    @BeforeAll
    void twoNodesAndAMachineOnB() throws Exception {
        cluster = new ClusterOnPostgres("diskfleet_fwd");
        a = start("node-a");
        b = start("node-b");
        machine = UUID.fromString(b.client.post("/api/machines", DiskfleetClient.body("name", "on-b", "cpus", 1,
                "memoryMb", 256, "node", "node-b")).expect(201).json().get("id").asString());
        disk = normalImageOn(b, "disk-of-b");
        attachment = UUID.fromString(b.client.post("/api/machines/" + machine + "/attachments",
                DiskfleetClient.body("imageId", disk.toString(), "port", 0, "device", 0)).expect(201).json()
                .get("id").asString());
        written = new byte[3000];
        for (int i = 0; i < written.length; i++) {
            written[i] = (byte) (i * 7 + 1);
        }
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    @Order(1)
    void guestDiskWritesAndReadsThroughANodeLandOnTheNodeThatHoldsTheDisk() {
        long offset = (1 << 20) - 1000;
        String range = "bytes " + offset + "-" + (offset + written.length - 1) + "/" + DISK;
        Reply put = a.client.upload("PUT", dataPath(), BodyPublishers.ofByteArray(written),
                "Content-Type", "application/octet-stream", "Content-Range", range);
        assertThat(put.status()).as(put.text()).isEqualTo(204);
        assertThat(locations(a, disk)).as("nothing was made on A").containsExactly("node-b");

        String asked = "bytes=" + offset + "-" + (offset + written.length - 1);
        Reply throughA = a.client.get(dataPath(), "Range", asked);
        Reply fromB = b.client.get(dataPath(), "Range", asked);
        assertThat(throughA.status()).isEqualTo(206);
        assertSameAnswer(throughA, fromB);
        assertThat(throughA.bytes()).isEqualTo(written);
    }

    @Test
    @Order(2)
    void contentThroughANodeIsTheOwnersAnswerWholeAndInRanges() {
        Reply whole = a.client.get("/api/images/" + disk + "/content");
        assertThat(whole.status()).isEqualTo(200);
        assertSameAnswer(whole, b.client.get("/api/images/" + disk + "/content"));
        assertThat(whole.bytes()).hasSize((int) DISK);
        int offset = (1 << 20) - 1000;
        assertThat(Arrays.copyOfRange(whole.bytes(), offset, offset + written.length)).isEqualTo(written);

        Reply part = a.client.get("/api/images/" + disk + "/content", "Range", "bytes=-100");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).hasValue("bytes " + (DISK - 100) + "-" + (DISK - 1) + "/" + DISK);
        assertSameAnswer(part, b.client.get("/api/images/" + disk + "/content", "Range", "bytes=-100"));

        Reply outside = a.client.get("/api/images/" + disk + "/content", "Range", "bytes=" + DISK + "-");
        assertThat(outside.expectProblem(416, "range-not-satisfiable")).contains(String.valueOf(DISK));
        assertThat(outside.header("Content-Range")).hasValue("bytes */" + DISK);

        JsonNode check = a.client.postEmpty("/api/images/" + disk + "/check").expect(200).json();
        assertThat(check.toString()).isEqualTo(b.client.postEmpty("/api/images/" + disk + "/check").expect(200)
                .json().toString());
    }

    @Test
    @Order(3)
    void powerThroughANodeStartsAndStopsTheGuestOnItsOwner() {
        JsonNode started = a.client.postEmpty("/api/machines/" + machine + "/start").expect(200).json();
        assertThat(started.get("state").asString()).isEqualTo("running");
        assertThat(hypervisor(b).state(machine)).isEqualTo(GuestState.RUNNING);
        assertThat(hypervisor(a).runningGuests()).as("no guest on A").isEmpty();
        assertThat(a.client.get("/api/machines/" + machine + "/console").expect(200).text())
                .isEqualTo(b.client.get("/api/machines/" + machine + "/console").expect(200).text());

        JsonNode stopped = a.client.postEmpty("/api/machines/" + machine + "/stop?force=true").expect(200).json();
        assertThat(stopped.get("state").asString()).isEqualTo("poweredOff");
        assertThat(hypervisor(b).runningGuests()).doesNotContain(machine);
    }

    @Test
    @Order(4)
    void theEventStreamWithAGuestsConsoleComesFromItsOwnerAsItIsSent() throws Exception {
        HttpResponse<InputStream> stream = a.client.stream("/api/events?types=machine&console=" + machine);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            a.client.patch("/api/machines/" + machine, DiskfleetClient.body("description", "changed while streamed"))
                    .expect(200);
            CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> lines.lines()
                    .filter(line -> line.startsWith("event:")).findFirst().orElse(""));
            assertThat(event.get(20, TimeUnit.SECONDS)).as("the event arrives while the stream is open")
                    .isEqualTo("event:machine.changed");
        }
    }

    @Test
    @Order(5)
    void aSnapshotTakenAndDeletedThroughANodeIsMadeOnTheMachinesNode() {
        String attachmentPath = "/api/machines/" + machine + "/attachments/" + attachment;
        JsonNode taken = a.client.post("/api/machines/" + machine + "/snapshots",
                DiskfleetClient.body("name", "through-a")).expect(201).json();
        UUID medium = UUID.fromString(a.client.get(attachmentPath).expect(200).json().get("mediumId").asString());
        assertThat(medium).as("the machine writes a new layer").isNotEqualTo(disk);
        assertThat(locations(a, medium)).as("made by B").containsExactly("node-b");
        assertThat(a.client.get(dataPath(), "Range", "bytes=" + ((1 << 20) - 1000) + "-" + ((1 << 20) - 1000
                + written.length - 1)).expect(206).bytes()).as("read through the new layer").isEqualTo(written);

        a.client.delete("/api/machines/" + machine + "/snapshots/" + taken.get("id").asString()).expect(204);
        b.client.get("/api/machines/" + machine + "/snapshots/" + taken.get("id").asString()).expect(404);
    }

    @Test
    @Order(6)
    void aWrittenImageClonedOrDeletedThroughANodeIsClonedOrDeletedOnItsOwner() {
        UUID other = normalImageOn(b, "deleted-through-a");
        Path file = b.dir.resolve("images").resolve(other + ".vdi");
        assertThat(file).exists();

        Reply clone = a.client.post("/api/images/" + other + "/clone", DiskfleetClient.body("name", "clone-of-b"),
                "Idempotency-Key", "clone-through-a").expect(202);
        Reply retried = a.client.post("/api/images/" + other + "/clone", DiskfleetClient.body("name", "clone-of-b"),
                "Idempotency-Key", "clone-through-a").expect(202);
        assertThat(retried.header("Idempotent-Replayed")).hasValue("true");
        assertThat(retried.header("Location")).isEqualTo(clone.header("Location"));
        JsonNode operation = b.client.awaitOperation(clone.header("Location").orElseThrow());
        assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("succeeded");
        String copy = operation.path("resourceUrl").asString();
        assertThat(locations(a, UUID.fromString(copy.substring(copy.lastIndexOf('/') + 1))))
                .containsExactly("node-b");

        a.client.delete("/api/images/" + other).expect(204);
        assertThat(file).as("B's file went with the delete").doesNotExist();
        b.client.get("/api/images/" + other).expect(404);
    }

    @Test
    @Order(6)
    void aDiskAttachedAndDetachedThroughANodeIsAttachedOnTheMachinesNode() {
        UUID second = normalImageOn(b, "attached-through-a");
        JsonNode attached = a.client.post("/api/machines/" + machine + "/attachments",
                DiskfleetClient.body("imageId", second.toString(), "port", 1, "device", 0)).expect(201).json();
        String path = "/api/machines/" + machine + "/attachments/" + attached.get("id").asString();
        assertThat(b.client.get(path).expect(200).json().get("imageId").asString()).isEqualTo(second.toString());
        a.client.delete(path).expect(204);
        b.client.get(path).expect(404);

        // An immutable image only node A holds: node B, the machine's node, copies it first, then makes the
        // machine's own disk over its copy.
        String golden = a.client.post("/api/images", DiskfleetClient.body("name", "golden-on-a", "sizeBytes", DISK,
                "format", "vdi", "type", "immutable")).expect(201).json().get("id").asString();
        JsonNode own = a.client.post("/api/machines/" + machine + "/attachments",
                DiskfleetClient.body("imageId", golden, "port", 2, "device", 0)).expect(201).json();
        assertThat(locations(a, UUID.fromString(golden))).containsExactly("node-a", "node-b");
        assertThat(locations(a, UUID.fromString(own.get("mediumId").asString()))).containsExactly("node-b");
        a.client.delete("/api/machines/" + machine + "/attachments/" + own.get("id").asString()).expect(204);
    }

    @Test
    @Order(6)
    void anExportMadeReadAndClosedThroughANodeIsServedByTheNodeThatHoldsTheImage() {
        UUID image = normalImageOn(b, "exported-through-a");
        String id = a.client.postEmpty("/api/images/" + image + "/exports").expect(201).json().get("id").asString();
        assertThat(b.client.get("/api/exports/" + id).expect(200).json().get("id").asString())
                .as("served by node B").isEqualTo(id);
        assertThat(a.client.get("/api/exports/" + id).expect(200).json().get("imageId").asString())
                .isEqualTo(image.toString());
        for (Node node : List.of(a, b)) {
            assertThat(node.client.get("/api/exports?size=500").expect(200).json().get("items").findValuesAsString("id"))
                    .as("the exports node " + node.name() + " lists").contains(id);
        }
        a.client.delete("/api/exports/" + id).expect(204);
        b.client.get("/api/exports/" + id).expect(404);
        a.client.get("/api/exports/" + id).expect(404);
    }

    @Test
    @Order(7)
    void aForwardedRequestKeepsItsCallersTokenAndTheOwnerChecksIt() {
        String viewer = a.client.post("/api/tokens", DiskfleetClient.body("name", "viewer", "role", "viewer"))
                .expect(201).json().get("token").asString();
        DiskfleetClient viewerOnA = a.client
                .withDefaultHeaders(Map.of("Authorization", "Bearer " + viewer));
        DiskfleetClient viewerOnB = b.client
                .withDefaultHeaders(Map.of("Authorization", "Bearer " + viewer));
        viewerOnA.get("/api/images/" + disk + "/content").expectProblem(403, "forbidden");
        viewerOnA.get("/api/images/" + disk).expect(200);

        // Sent as node A sends it: the secret vouches for the node, not for the user.
        viewerOnB.get("/api/images/" + disk + "/content", forwardedBy("node-a", SECRET))
                .expectProblem(403, "forbidden");
        b.client.withDefaultHeaders(Map.of())
                .get("/api/images/" + disk + "/content", forwardedBy("node-a", SECRET)).expect(401);
        assertThat(b.client.get("/api/images/" + disk + "/content", forwardedBy("node-a", SECRET)).expect(200)
                .bytes()).hasSize((int) DISK);
    }

    @Test
    @Order(8)
    void aRequestThatSaysItWasForwardedWithoutTheSecretIsRefused() {
        for (Node node : List.of(a, b)) {
            String missing = node.client.get("/api/images/" + disk + "/content", "X-Diskfleet-Forwarded-By", "node-a")
                    .expectProblem(403, "cluster-secret-refused");
            assertThat(missing).doesNotContain(SECRET);
            node.client.get("/api/images/" + disk + "/content", forwardedBy("node-a", SECRET + "x"))
                    .expectProblem(403, "cluster-secret-refused");
        }
    }

    @Test
    @Order(9)
    void theOwnerRecordsTheAddressOfTheClientThatAskedTheFirstNode() {
        b.client.postEmpty("/api/images/" + disk + "/check", "X-Diskfleet-Cluster-Secret", SECRET,
                "X-Diskfleet-Forwarded-By", "node-a", "X-Diskfleet-Forwarded-For", "203.0.113.7").expect(200);

        JsonNode entries = b.client.get("/api/audit?size=500").expect(200).json().get("items");
        List<String> addresses = new ArrayList<>();
        entries.forEach(entry -> {
            if (entry.get("path").asString().equals("/api/images/" + disk + "/check")) {
                addresses.add(entry.get("clientAddress").asString());
            }
        });
        assertThat(addresses).contains("203.0.113.7");
    }

    @Test
    @Order(10)
    void onceTheOwnerIsOfflineItsActionsAre503NamingItAndItsRowsStillRead() {
        b.context.close();

        String detail = a.client.get("/api/images/" + disk + "/content").expectProblem(503, "node-unavailable");
        assertThat(detail).contains("node-b", "offline");
        assertThat(a.client.get("/api/images/" + disk + "/content").json().get("node").asString())
                .isEqualTo("node-b");
        a.client.postEmpty("/api/machines/" + machine + "/start").expectProblem(503, "node-unavailable");
        a.client.delete("/api/machines/" + machine).expectProblem(503, "node-unavailable");
        assertThat(a.client.get("/api/events?console=" + machine).expectProblem(503, "node-unavailable"))
                .contains("node-b");

        assertThat(a.client.get("/api/images/" + disk).expect(200).json().get("name").asString())
                .isEqualTo("disk-of-b");
        assertThat(a.client.get("/api/machines/" + machine).expect(200).json().get("state").asString())
                .isEqualTo("poweredOff");
    }

    private record Node(String name, ConfigurableApplicationContext context, DiskfleetClient client, Path dir) {
    }

    private Node start(String name) {
        // The event stream a test left is still open on B when B is stopped: no waiting for it to end.
        ClusterOnPostgres.Node node = cluster.start(name, Map.of("server.shutdown", "immediate"));
        return new Node(node.name(), node.context(), node.client(), node.dir());
    }

    private static UUID normalImageOn(Node node, String name) {
        return UUID.fromString(node.client.post("/api/images", DiskfleetClient.body("name", name, "sizeBytes", DISK,
                "format", "vdi", "type", "normal")).expect(201).json().get("id").asString());
    }

    private String dataPath() {
        return "/api/machines/" + machine + "/attachments/" + attachment + "/data";
    }

    private static String[] forwardedBy(String node, String secret) {
        return new String[] {"X-Diskfleet-Forwarded-By", node, "X-Diskfleet-Cluster-Secret", secret};
    }

    /** The same status, bytes and the headers a client reads a download by. */
    private static void assertSameAnswer(Reply forwarded, Reply owners) {
        assertThat(forwarded.status()).isEqualTo(owners.status());
        for (String header : CONTENT_HEADERS) {
            assertThat(forwarded.response().headers().allValues(header)).as(header)
                    .isEqualTo(owners.response().headers().allValues(header));
        }
        assertThat(forwarded.bytes()).isEqualTo(owners.bytes());
    }

    private static List<String> locations(Node node, UUID image) {
        List<String> names = new ArrayList<>();
        node.client.get("/api/images/" + image).expect(200).json().get("locations")
                .forEach(name -> names.add(name.asString()));
        return names;
    }

    private static Hypervisor hypervisor(Node node) {
        return node.context.getBean(Hypervisor.class);
    }
}
