package dev.diskfleet.api.image;

import static dev.diskfleet.support.DiskfleetClient.body;
import static dev.diskfleet.support.QemuTools.assertCheckClean;
import static dev.diskfleet.support.QemuTools.assertIdentical;
import static dev.diskfleet.support.QemuTools.qemuImg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * qcow2 through the images API over real HTTP: compressed cloud-style uploads, conversions between
 * qcow2, vdi and raw, standalone exports, a machine's differencing disk on an immutable qcow2 image, and
 * hostile files. qemu-img writes the inputs and judges the files we write ({@code check}, {@code compare},
 * {@code info}). H2 only: nothing here depends on the database, and the context is the one
 * {@link ImagesApiH2Test} uses.
 */
class Qcow2ImagesApiTest extends ImagesApiFixture {

    private static final int SIZE = 8 * MIB;

    @BeforeEach
    void qemuImgIsInstalled() {
        QemuTools.require("qemu-img");
    }

    @Test
    void compressedQcow2FromQemuImgIsUploadedClonedToVdiAndRawAndExportedByteForByte() throws IOException {
        Path source = cloudLikeDisk();
        byte[] expected = Files.readAllBytes(source);
        Path upload = work.resolve("cloud.qcow2");
        qemuImg("convert", "-f", "raw", "-O", "qcow2", "-c", source.toString(), upload.toString());
        assertThat(qemuImg("check", "-f", "qcow2", upload.toString())).as("the upload holds compressed clusters")
                .contains("compressed clusters").doesNotContain(" 0.00% compressed");

        JsonNode cloud = api.upload("PUT", "/api/images/uploads?name=" + prefix + "cloud",
                BodyPublishers.ofFile(upload)).expect(201).json();
        assertThat(cloud.path("format").asString()).isEqualTo("qcow2");
        assertThat(cloud.path("variant").asString()).isEqualTo("dynamic");
        assertThat(cloud.path("sizeBytes").asLong()).isEqualTo(SIZE);
        String id = cloud.path("id").asString();
        assertContent(id, expected);
        // A range across the end of the incompressible part into the compressed clusters.
        assertThat(api.get("/api/images/" + id + "/content", "Range", "bytes=2096000-2099999").expect(206).bytes())
                .isEqualTo(Arrays.copyOfRange(expected, 2096000, 2100000));
        JsonNode report = api.postEmpty("/api/images/" + id + "/check").expect(200).json();
        assertThat(report.path("format").asString()).isEqualTo("qcow2");
        assertThat(report.path("clean").asBoolean()).as(report.toString()).isTrue();

        JsonNode asVdi = cloneTo(id, "vdi");
        JsonNode asRaw = cloneTo(id, "raw");
        JsonNode vdiBackToQcow2 = cloneTo(asVdi.path("id").asString(), "qcow2");
        JsonNode rawBackToQcow2 = cloneTo(asRaw.path("id").asString(), "qcow2");
        for (JsonNode clone : new JsonNode[] {asVdi, asRaw, vdiBackToQcow2, rawBackToQcow2}) {
            assertContent(clone.path("id").asString(), expected);
        }
        for (JsonNode clone : new JsonNode[] {asVdi, vdiBackToQcow2, rawBackToQcow2}) {
            assertCheckClean(fileOf(clone));
            assertIdentical(fileOf(clone), source);
        }

        Path exported = work.resolve("exported.qcow2");
        var download = api.get("/api/images/" + id + "/content?format=qcow2").expect(200);
        assertThat(download.header("Content-Disposition").orElseThrow()).contains(id + ".qcow2");
        Files.write(exported, download.bytes());
        assertCheckClean(exported);
        assertIdentical(exported, source);
    }

    @Test
    void aMachinesDiskOnAnImmutableImageIsInTheImagesFormatAndExportsAsAStandaloneQcow2() throws IOException {
        String golden = api.post("/api/images", body("name", prefix + "golden", "sizeBytes", SIZE, "format", "qcow2",
                "type", "immutable")).expect(201).json().path("id").asString();
        byte[] expected = randomBytes(SIZE, 11);
        Arrays.fill(expected, 3 * MIB, SIZE, (byte) 0);
        // Seeded behind the API: quicker than a seeding machine, and the golden content is all that matters here.
        store.write(UUID.fromString(golden), 0, ByteBuffer.wrap(expected, 0, 3 * MIB));
        byte[] goldenBytes = expected.clone();
        String vdiGolden = createBlank(prefix + "vdi-golden", "immutable");
        String rawGolden = api.post("/api/images", body("name", prefix + "raw-golden", "sizeBytes", MIB,
                "format", "raw", "type", "immutable")).expect(201).json().path("id").asString();
        String machine = api.post("/api/machines", body("name", prefix + "vm")).expect(201).json().path("id")
                .asString();

        JsonNode attachment = attach(machine, golden, 0).expect(201).json();
        JsonNode disk = api.get("/api/images/" + attachment.path("mediumId").asString()).expect(200).json();
        assertThat(disk.path("format").asString()).isEqualTo("qcow2");
        assertThat(disk.path("parentId").asString()).isEqualTo(golden);
        assertThat(disk.path("chainDepth").asInt()).isEqualTo(2);
        assertThat(qemuImg("info", "--backing-chain", "-f", "qcow2", fileOf(disk).toString()))
                .contains("backing file: " + golden + ".qcow2").contains("backing file format: qcow2");
        JsonNode vdiDisk = api.get("/api/images/" + attach(machine, vdiGolden, 1).expect(201).json()
                .path("mediumId").asString()).expect(200).json();
        assertThat(vdiDisk.path("format").asString()).isEqualTo("vdi");
        assertThat(attach(machine, rawGolden, 2).expectProblem(409, "no-differencing"))
                .contains("raw").contains("vdi or qcow2");

        byte[] written = randomBytes(100_000, 12);
        long offset = MIB - 1000;
        api.upload("PUT", "/api/machines/" + machine + "/attachments/" + attachment.path("id").asString() + "/data",
                BodyPublishers.ofByteArray(written), "Content-Type", "application/octet-stream",
                "Content-Range", "bytes " + offset + "-" + (offset + written.length - 1) + "/*").expect(204);
        System.arraycopy(written, 0, expected, (int) offset, written.length);
        assertContent(disk.path("id").asString(), expected);
        assertContent(golden, goldenBytes);

        Path exported = work.resolve("exported.qcow2");
        Files.write(exported, api.get("/api/images/" + disk.path("id").asString() + "/content?format=qcow2")
                .expect(200).bytes());
        assertThat(qemuImg("info", "-f", "qcow2", exported.toString())).doesNotContain("backing file");
        assertCheckClean(exported);
        Path expectedRaw = work.resolve("expected.raw");
        Files.write(expectedRaw, expected);
        assertIdentical(exported, expectedRaw);
    }

    @Test
    void blankQcow2IsOneQemuImgAcceptsAndAFixedQcow2IsRefusedBeforeAnyFileIsMade() {
        long size = 64L * MIB + 512;
        JsonNode blank = api.post("/api/images", body("name", prefix + "blank", "sizeBytes", size, "format", "qcow2"))
                .expect(201).json();
        assertThat(blank.path("format").asString()).isEqualTo("qcow2");
        assertThat(blank.path("variant").asString()).isEqualTo("dynamic");
        assertThat(blank.path("allocatedBytes").asLong()).isPositive().isLessThan(MIB);
        assertThat(qemuImg("info", "--output=json", "-f", "qcow2", fileOf(blank).toString()))
                .contains("\"format\": \"qcow2\"").contains("\"virtual-size\": " + size);
        assertCheckClean(fileOf(blank));

        String vdi = createBlank(prefix + "vdi", "normal");
        Set<String> filesBefore = filesInStorageRoot();
        Set<UUID> rowsBefore = rowIds();
        String detail = api.post("/api/images", body("name", prefix + "fixed", "sizeBytes", MIB, "format", "qcow2",
                "variant", "fixed")).expectProblem(400, "unsupported-variant");
        assertThat(detail).contains("'qcow2'").contains("fixed").contains("leave variant out").contains("vdi, raw");
        String qcow2 = blank.path("id").asString();
        api.post("/api/images/" + qcow2 + "/clone", body("name", prefix + "fixed-clone", "variant", "fixed"))
                .expectProblem(400, "unsupported-variant");
        api.post("/api/images/" + vdi + "/clone", body("name", prefix + "fixed-clone", "format", "qcow2",
                "variant", "fixed")).expectProblem(400, "unsupported-variant");
        assertThat(filesInStorageRoot()).isEqualTo(filesBefore);
        assertThat(rowIds()).isEqualTo(rowsBefore);
    }

    @Test
    void hostileQcow2UploadsAreRefusedWith422AndLeaveNothingBehind() throws IOException {
        Path valid = work.resolve("valid.qcow2");
        qemuImg("create", "-f", "qcow2", valid.toString(), String.valueOf(MIB));
        Path overlay = work.resolve("overlay.qcow2");
        qemuImg("create", "-f", "qcow2", "-b", valid.getFileName().toString(), "-F", "qcow2", overlay.toString());
        Path outside = work.resolve("outside.qcow2");
        qemuImg("create", "-f", "qcow2", "-u", "-b", "/etc/passwd", "-F", "raw", outside.toString(),
                String.valueOf(MIB));
        byte[] header = Files.readAllBytes(valid);
        api.upload("POST", "/api/images/uploads?name=" + prefix + "valid", BodyPublishers.ofByteArray(header),
                "Content-Type", "application/octet-stream").expect(201);

        // What each upload is, and what the refusal must say about it. Offsets are qcow2 header fields.
        Map<byte[], String> hostile = new LinkedHashMap<>();
        hostile.put(Files.readAllBytes(overlay), "names a parent or backing file");
        hostile.put(Files.readAllBytes(outside), "names a parent or backing file");
        hostile.put(withInt(header, ByteOrder.BIG_ENDIAN, 20, 30), "cluster_bits is 30");
        hostile.put(withInt(header, ByteOrder.BIG_ENDIAN, 32, 1), "encrypted");
        hostile.put(withLong(header, ByteOrder.BIG_ENDIAN, 72, 1L << 40), "incompatible feature");
        hostile.put(withLong(header, ByteOrder.BIG_ENDIAN, 40, 1L << 40), "past the end");
        hostile.put(withLong(header, ByteOrder.BIG_ENDIAN, 24, Long.MAX_VALUE), "too large");
        hostile.put(Arrays.copyOf(header, 64), "too short for a qcow2 header");
        Set<String> filesBefore = filesInStorageRoot();
        Set<UUID> rowsBefore = rowIds();

        for (Map.Entry<byte[], String> upload : hostile.entrySet()) {
            String detail = api.upload("POST", "/api/images/uploads?name=" + prefix + "hostile",
                    BodyPublishers.ofByteArray(upload.getKey()), "Content-Type", "application/octet-stream")
                    .expectProblem(422, "invalid-image");
            assertThat(detail).contains(upload.getValue()).doesNotContain(".tmp")
                    .doesNotContain(storageRoot().toString());
        }
        assertThat(filesInStorageRoot()).isEqualTo(filesBefore);
        assertThat(rowIds()).isEqualTo(rowsBefore);
    }

    /**
     * qemu-img makes a qcow2 of a 0-byte disk when asked. Nothing can be read from it and no clone of it can
     * be stored, so the upload is refused (it was accepted, and each clone failed with 500).
     */
    @Test
    void aQcow2OfAZeroByteDiskIsRefusedWith422AndLeavesNothingBehind() throws IOException {
        Path empty = work.resolve("empty.qcow2");
        qemuImg("create", "-f", "qcow2", empty.toString(), "0");
        assertThat(qemuImg("info", "-f", "qcow2", empty.toString())).contains("virtual size: 0 B");
        Set<String> filesBefore = filesInStorageRoot();
        Set<UUID> rowsBefore = rowIds();

        String detail = api.upload("PUT", "/api/images/uploads?name=" + prefix + "empty-disk",
                BodyPublishers.ofFile(empty)).expectProblem(422, "invalid-image");

        assertThat(detail).contains("qcow2").contains("0 bytes").contains("at least one sector");
        assertThat(filesInStorageRoot()).isEqualTo(filesBefore);
        assertThat(rowIds()).isEqualTo(rowsBefore);
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** Like a cloud image: data that does not compress, text-like data that does, zeros, a last sector. */
    private Path cloudLikeDisk() throws IOException {
        byte[] bytes = randomBytes(SIZE, 6);
        for (int i = 2 * MIB; i < 5 * MIB; i++) {
            bytes[i] = (byte) ('a' + (bytes[i] & 0x0f));
        }
        Arrays.fill(bytes, 5 * MIB, SIZE - 512, (byte) 0);
        Path file = work.resolve("cloud.raw");
        Files.write(file, bytes);
        return file;
    }

    private DiskfleetClient.Reply attach(String machine, String image, int port) {
        return api.post("/api/machines/" + machine + "/attachments", body("imageId", image, "port", port, "device", 0));
    }

    private JsonNode cloneTo(String id, String format) {
        String operation = api.post("/api/images/" + id + "/clone", body("name", prefix + format + "-of-" + id,
                "format", format)).expect(202).header("Location").orElseThrow();
        JsonNode finished = api.awaitOperation(operation);
        assertThat(finished.path("state").asString()).as(finished.toString()).isEqualTo("succeeded");
        JsonNode clone = api.get(finished.path("resourceUrl").asString()).expect(200).json();
        assertThat(clone.path("format").asString()).isEqualTo(format);
        return clone;
    }

    /** The image's raw content, compared without printing megabytes when it differs. */
    private void assertContent(String id, byte[] expected) {
        byte[] content = api.get("/api/images/" + id + "/content").expect(200).bytes();
        assertThat(Arrays.mismatch(content, expected)).as("first byte where image %s differs (sizes %d, %d)", id,
                content.length, expected.length).isEqualTo(-1);
    }

    private Path fileOf(JsonNode image) {
        return storageRoot().resolve(image.path("id").asString() + "." + image.path("format").asString());
    }
}
