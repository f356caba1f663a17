package dev.diskfleet.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.MachineApiTestSupport;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * NBD exports made through the HTTP API and judged by real NBD clients: qemu-img compares an image export
 * with the image's {@code /content}, qemu-io writes through a writable machine export, nbdinfo reads the
 * read-only flag, and a raw client sees DELETE hang up on it.
 */
class NbdExportApiTest extends MachineApiTestSupport {

    private static final byte[] GOLDEN = pattern(14, 3 << 20);

    @BeforeEach
    void clients() {
        QemuTools.require("qemu-img", "qemu-io", "nbdinfo");
    }

    private JsonNode exportImage(UUID image) {
        HttpResponse<String> created = post("/api/images/" + image + "/exports");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode export = json(created);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/exports/" + export.get("id").asString());
        return export;
    }

    private HttpResponse<String> exportDisk(UUID machine, UUID attachment, boolean writable) {
        return post("/api/machines/" + machine + "/attachments/" + attachment + "/exports",
                "{\"writable\":" + writable + "}");
    }

    private JsonNode exportedDisk(UUID machine, UUID attachment, boolean writable) {
        HttpResponse<String> created = exportDisk(machine, attachment, writable);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created);
    }

    private Path download(UUID image) throws IOException, InterruptedException {
        Path raw = Files.createTempFile(DATA_DIR, "content-", ".raw");
        HttpResponse<Path> response = http.send(request("/api/images/" + image + "/content").GET().build(),
                HttpResponse.BodyHandlers.ofFile(raw));
        assertThat(response.statusCode()).isEqualTo(200);
        return raw;
    }

    @Test
    void anImageExportReadsExactlyAsTheImagesContentAndRefusesWrites() throws Exception {
        UUID golden = goldenImage(GOLDEN);
        JsonNode export = exportImage(golden);
        String uri = export.get("uri").asString();
        assertThat(export.get("writable").asBoolean()).isFalse();
        assertThat(export.get("imageId").asString()).isEqualTo(golden.toString());
        assertThat(uri).isEqualTo("nbd+unix:///" + export.get("name").asString() + "?socket="
                + DATA_DIR.resolve("images/nbd.sock").toAbsolutePath());

        QemuTools.qemuImg("compare", "-f", "raw", "-F", "raw", uri, download(golden).toString());
        assertThat(QemuTools.run("nbdinfo", "--json", uri).output()).containsPattern("\"is_read_only\": *true");

        QemuTools.Result write = QemuTools.run("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 4096", uri);
        assertThat(write.exitCode()).as(write.output()).isNotZero();
        assertThat(Files.readAllBytes(download(golden))).startsWith(Arrays.copyOf(GOLDEN, 4096));

        JsonNode seen = json(get("/api/exports/" + export.get("id").asString()));
        assertThat(seen.get("bytesRead").asLong()).isGreaterThanOrEqualTo(GOLDEN.length);
        assertThat(seen.get("clients").asInt()).isZero();
        assertThat(delete("/api/exports/" + export.get("id").asString()).statusCode()).isEqualTo(204);
    }

    @Test
    void anExportedImageCannotBeDeletedUntilTheExportIs() {
        UUID image = createImage("normal");
        JsonNode export = exportImage(image);
        String exportId = export.get("id").asString();

        assertProblem(delete("/api/images/" + image), 409, "image-exported", exportId, export.get("name").asString());

        assertThat(delete("/api/exports/" + exportId).statusCode()).isEqualTo(204);
        assertThat(delete("/api/images/" + image).statusCode()).isEqualTo(204);
    }

    /** As {@link #goldenImage}, in qcow2: qemu-img checks qcow2 differencing images, not VDI ones. */
    private UUID qcow2Golden() {
        UUID image = createImage("normal", "qcow2");
        UUID seeder = createMachine(unique("seeder"));
        written(seeder, id(attached(seeder, image, 0), "id"), 0, GOLDEN);
        assertThat(delete("/api/machines/" + seeder).statusCode()).isEqualTo(204);
        assertThat(patch("/api/images/" + image, "{\"type\":\"immutable\"}").statusCode()).isEqualTo(200);
        return image;
    }

    private static Path qcow2File(UUID image) {
        return DATA_DIR.resolve("images").resolve(image + ".qcow2");
    }

    @Test
    void writesThroughAWritableMachineExportLandInTheMachinesOwnMedium() {
        UUID golden = qcow2Golden();
        UUID machine = createMachine();
        JsonNode attachment = attached(machine, golden, 0);
        UUID attachmentId = id(attachment, "id");
        UUID medium = id(attachment, "mediumId");
        JsonNode export = exportedDisk(machine, attachmentId, true);
        assertThat(export.get("writable").asBoolean()).isTrue();
        assertThat(export.get("imageId").asString()).isEqualTo(medium.toString());

        QemuTools.qemuIo("-f", "raw", "-c", "write -P 0x5a 1048000 70000", "-c", "flush",
                export.get("uri").asString());

        byte[] expected = new byte[70000];
        Arrays.fill(expected, (byte) 0x5a);
        assertThat(read(machine, attachmentId, 1048000, 70000)).isEqualTo(expected);
        assertThat(read(machine, attachmentId, 0, 4096)).isEqualTo(Arrays.copyOf(GOLDEN, 4096));
        assertThat(json(get("/api/exports/" + export.get("id").asString())).get("bytesWritten").asLong())
                .isEqualTo(70000);
        assertThat(delete("/api/exports/" + export.get("id").asString()).statusCode()).isEqualTo(204);

        QemuTools.assertCheckClean(qcow2File(medium));
        QemuTools.assertCheckClean(qcow2File(golden));
    }

    @Test
    void aMediumHasOneWriterAndExportedDisksKeepTheirLayout() {
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, goldenImage(GOLDEN), 0), "id");
        JsonNode writer = exportedDisk(machine, attachment, true);
        String writerId = writer.get("id").asString();

        assertProblem(exportDisk(machine, attachment, true), 409, "medium-has-writer", writerId);
        JsonNode reader = exportedDisk(machine, attachment, false);
        assertProblem(post("/api/machines/" + machine + "/snapshots", "{\"name\":\"s1\"}"), 409, "disks-held",
                writerId);
        assertProblem(delete("/api/machines/" + machine + "/attachments/" + attachment), 409, "disks-held");

        assertThat(delete("/api/exports/" + writerId).statusCode()).isEqualTo(204);
        assertThat(delete("/api/exports/" + reader.get("id").asString()).statusCode()).isEqualTo(204);
        assertThat(post("/api/machines/" + machine + "/snapshots", "{\"name\":\"s1\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void aRunningMachinesDiskIsExportedOnlyReadOnly() {
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, goldenImage(GOLDEN), 0), "id");
        power(machine, "start");

        assertProblem(exportDisk(machine, attachment, true), 409, "machine-running");
        JsonNode reader = exportedDisk(machine, attachment, false);
        assertThat(delete("/api/exports/" + reader.get("id").asString()).statusCode()).isEqualTo(204);
        power(machine, "stop");
    }

    @Test
    void deletingAnExportHangsUpOnItsClientsAndTheNameIsGone() throws Exception {
        UUID image = goldenImage(GOLDEN);
        JsonNode export = exportImage(image);
        String id = export.get("id").asString();
        String name = export.get("name").asString();
        try (RawNbdClient client = RawNbdClient.connect(Path.of(export.get("socketPath").asString()))) {
            client.go(name);
            assertThat(json(get("/api/exports/" + id)).get("clients").asInt()).isEqualTo(1);
            assertThat(json(get("/api/exports")).get("items").findValuesAsString("id")).contains(id);

            assertThat(delete("/api/exports/" + id).statusCode()).isEqualTo(204);

            assertThat(client.hungUp()).as("the client was dropped").isTrue();
        }
        assertProblem(get("/api/exports/" + id), 404, "not-found", id);
        assertThat(json(get("/api/exports")).get("items").findValuesAsString("id")).doesNotContain(id);
        QemuTools.Result gone = QemuTools.run("nbdinfo", export.get("uri").asString());
        assertThat(gone.exitCode()).as(gone.output()).isNotZero();
        assertThat(delete("/api/images/" + image).statusCode()).isEqualTo(204);
    }

    @Test
    void clientErrorsAreProblems() {
        UUID unknown = UUID.randomUUID();
        assertProblem(get("/api/exports/" + unknown), 404, "not-found", unknown.toString());
        assertProblem(delete("/api/exports/" + unknown), 404, "not-found");
        assertProblem(post("/api/images/" + unknown + "/exports"), 404, "not-found");
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, createImage("normal"), 0), "id");
        HttpResponse<String> badBody = send(request("/api/machines/" + machine + "/attachments/" + attachment
                + "/exports").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"writable\":")).build());
        assertThat(badBody.statusCode()).as(badBody.body()).isEqualTo(400);
        assertThat(badBody.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
}
