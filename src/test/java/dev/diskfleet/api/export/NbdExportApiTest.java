package dev.diskfleet.api.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.nbd.RawNbdClient;
import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * NBD exports made through the HTTP API and judged by real NBD clients: qemu-img compares an image export
 * with the image's {@code /content}, qemu-io writes through a writable machine export, nbdinfo reads the
 * read-only flag, and a raw client sees DELETE hang up on it.
 */
class NbdExportApiTest extends FullStackTest {

    private static final byte[] GOLDEN = pattern(14, 3 << 20);

    @TempDir
    Path downloads;

    @BeforeEach
    void clients() {
        QemuTools.require("qemu-img", "qemu-io", "nbdinfo");
    }

    private JsonNode exportImage(UUID image) {
        Reply created = api.postEmpty("/api/images/" + image + "/exports").expect(201);
        JsonNode export = created.json();
        assertThat(created.header("Location")).hasValue("/api/exports/" + export.get("id").asString());
        return export;
    }

    private Reply exportDisk(UUID machine, UUID attachment, boolean writable) {
        return api.post("/api/machines/" + machine + "/attachments/" + attachment + "/exports",
                "{\"writable\":" + writable + "}");
    }

    private JsonNode exportedDisk(UUID machine, UUID attachment, boolean writable) {
        return exportDisk(machine, attachment, writable).expect(201).json();
    }

    /** The image's {@code /content}, downloaded to a file for qemu-img. */
    private Path download(UUID image) throws IOException {
        Path raw = Files.createTempFile(downloads, "content-", ".raw");
        Files.write(raw, api.get("/api/images/" + image + "/content").expect(200).bytes());
        return raw;
    }

    private JsonNode exportSeen(String id) {
        return api.get("/api/exports/" + id).expect(200).json();
    }

    /** Every export's id: one page as large as the API allows, since the suite's tests share one service. */
    private JsonNode exportList() {
        return api.get("/api/exports?size=500").expect(200).json();
    }

    @Test
    void anImageExportReadsExactlyAsTheImagesContentAndRefusesWrites() throws Exception {
        UUID golden = goldenImage(GOLDEN);
        JsonNode export = exportImage(golden);
        String uri = export.get("uri").asString();
        assertThat(export.get("writable").asBoolean()).isFalse();
        assertThat(export.get("imageId").asString()).isEqualTo(golden.toString());
        assertThat(uri).isEqualTo("nbd+unix:///" + export.get("name").asString() + "?socket="
                + storageRoot().resolve("nbd.sock").toAbsolutePath());

        QemuTools.qemuImg("compare", "-f", "raw", "-F", "raw", uri, download(golden).toString());
        assertThat(QemuTools.run("nbdinfo", "--json", uri).output()).containsPattern("\"is_read_only\": *true");

        QemuTools.Result write = QemuTools.run("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 4096", uri);
        assertThat(write.exitCode()).as(write.output()).isNotZero();
        assertThat(Files.readAllBytes(download(golden))).startsWith(Arrays.copyOf(GOLDEN, 4096));

        JsonNode seen = exportSeen(export.get("id").asString());
        assertThat(seen.get("bytesRead").asLong()).isGreaterThanOrEqualTo(GOLDEN.length);
        assertThat(seen.get("clients").asInt()).isZero();
        api.delete("/api/exports/" + export.get("id").asString()).expect(204);
    }

    @Test
    void anExportedImageCannotBeDeletedUntilTheExportIs() {
        UUID image = createImage("normal");
        JsonNode export = exportImage(image);
        String exportId = export.get("id").asString();

        JsonNode refused = assertProblem(api.delete("/api/images/" + image), 409, "image-exported", exportId);
        assertThat(refused.toString()).doesNotContain(export.get("name").asString());

        api.delete("/api/exports/" + exportId).expect(204);
        api.delete("/api/images/" + image).expect(204);
    }

    /** As {@link #goldenImage}, in qcow2: qemu-img checks qcow2 differencing images, not VDI ones. */
    private UUID qcow2Golden() {
        UUID image = createImage("normal", "qcow2");
        UUID seeder = createMachine(unique("seeder"));
        written(seeder, id(attached(seeder, image, 0), "id"), 0, GOLDEN);
        api.delete("/api/machines/" + seeder).expect(204);
        api.patch("/api/images/" + image, "{\"type\":\"immutable\"}").expect(200);
        return image;
    }

    private Path qcow2File(UUID image) {
        return storageRoot().resolve(image + ".qcow2");
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
        assertThat(exportSeen(export.get("id").asString()).get("bytesWritten").asLong()).isEqualTo(70000);
        api.delete("/api/exports/" + export.get("id").asString()).expect(204);

        QemuTools.assertCheckClean(qcow2File(medium));
        QemuTools.assertCheckClean(qcow2File(golden));
    }

    @Test
    void aMediumHasOneWriterAndExportedDisksKeepTheirLayout() {
        UUID machine = createMachine();
        // a disk kept across power-ons, so that a snapshot has something to keep
        UUID attachment = id(attached(machine, goldenImage(GOLDEN), 0, ",\"autoReset\":false"), "id");
        JsonNode writer = exportedDisk(machine, attachment, true);
        String writerId = writer.get("id").asString();

        assertProblem(exportDisk(machine, attachment, true), 409, "medium-has-writer", writerId);
        JsonNode reader = exportedDisk(machine, attachment, false);
        assertProblem(api.post("/api/machines/" + machine + "/snapshots", "{\"name\":\"s1\"}"), 409, "disks-held",
                writerId);
        assertProblem(api.delete("/api/machines/" + machine + "/attachments/" + attachment), 409, "disks-held");

        api.delete("/api/exports/" + writerId).expect(204);
        api.delete("/api/exports/" + reader.get("id").asString()).expect(204);
        api.post("/api/machines/" + machine + "/snapshots", "{\"name\":\"s1\"}").expect(201);
    }

    @Test
    void anExportsNameHas128RandomBitsAndOnlyItsMakerIsToldIt() {
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, goldenImage(GOLDEN), 0), "id");
        JsonNode writer = exportedDisk(machine, attachment, true);
        String id = writer.get("id").asString();
        String name = writer.get("name").asString();
        assertThat(name).matches("disk-[0-9a-f]{32}").doesNotContain(id.replace("-", ""));
        assertThat(writer.get("uri").asString()).contains(name);
        JsonNode imageExport = exportImage(goldenImage(GOLDEN));
        String other = imageExport.get("name").asString();
        assertThat(other).matches("image-[0-9a-f]{32}").isNotEqualTo(name);

        JsonNode seen = exportSeen(id);
        assertThat(seen.get("name").isNull()).as("name in %s", seen).isTrue();
        assertThat(seen.get("uri").isNull()).as("uri in %s", seen).isTrue();
        assertThat(seen.get("writable").asBoolean()).isTrue();
        assertThat(api.get("/api/exports?size=500").expect(200).text()).contains(id).doesNotContain(name)
                .doesNotContain(other);
        JsonNode secondWriter = assertProblem(exportDisk(machine, attachment, true), 409, "medium-has-writer", id);
        assertThat(secondWriter.toString()).doesNotContain(name);
        JsonNode snapshot = assertProblem(api.post("/api/machines/" + machine + "/snapshots", "{\"name\":\"s\"}"),
                409, "disks-held", id);
        assertThat(snapshot.toString()).doesNotContain(name);
        api.delete("/api/exports/" + id).expect(204);
        api.delete("/api/exports/" + imageExport.get("id").asString()).expect(204);
    }

    @Test
    void aRunningMachinesDiskIsExportedOnlyReadOnly() {
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, goldenImage(GOLDEN), 0), "id");
        power(machine, "start");

        assertProblem(exportDisk(machine, attachment, true), 409, "machine-running");
        JsonNode reader = exportedDisk(machine, attachment, false);
        api.delete("/api/exports/" + reader.get("id").asString()).expect(204);
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
            assertThat(exportSeen(id).get("clients").asInt()).isEqualTo(1);
            assertThat(exportList().get("items").findValuesAsString("id")).contains(id);

            api.delete("/api/exports/" + id).expect(204);

            assertThat(client.hungUp()).as("the client was dropped").isTrue();
        }
        assertProblem(api.get("/api/exports/" + id), 404, "not-found", id);
        assertThat(exportList().get("items").findValuesAsString("id")).doesNotContain(id);
        QemuTools.Result gone = QemuTools.run("nbdinfo", export.get("uri").asString());
        assertThat(gone.exitCode()).as(gone.output()).isNotZero();
        api.delete("/api/images/" + image).expect(204);
    }

    @Test
    void clientErrorsAreProblems() {
        UUID unknown = UUID.randomUUID();
        assertProblem(api.get("/api/exports/" + unknown), 404, "not-found", unknown.toString());
        assertProblem(api.delete("/api/exports/" + unknown), 404, "not-found");
        assertProblem(api.postEmpty("/api/images/" + unknown + "/exports"), 404, "not-found");
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, createImage("normal"), 0), "id");
        Reply badBody = api.post("/api/machines/" + machine + "/attachments/" + attachment + "/exports",
                "{\"writable\":");
        badBody.expect(400);
        assertThat(badBody.header("Content-Type")).hasValue("application/problem+json");
    }
}
