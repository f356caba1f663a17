package dev.diskfleet.api.image;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The images API over real HTTP, against a real storage root and a real database. Subclasses choose
 * the database (H2, PostgreSQL); every test here runs on each.
 */
abstract class ImagesApiContract extends ImagesApiFixture {

    // ---- create, read, list -------------------------------------------------------------------

    @Test
    void blankImageIsCreatedAndReadBackWithEveryFieldAndItsETag() {
        Reply created = api.post("/api/images", body("name", prefix + "scratch", "sizeBytes", 64 * MIB,
                "format", "vdi", "variant", "dynamic", "type", "writethrough", "description", "scratch disk"))
                .expect(201);
        String id = created.json().path("id").asString();
        assertThat(created.header("Location")).hasValue("/api/images/" + id);
        assertThat(store.exists(UUID.fromString(id))).isTrue();

        Reply read = api.get("/api/images/" + id).expect(200);
        assertThat(read.header("ETag")).hasValue("\"0\"");
        JsonNode image = read.json();
        assertThat(image.path("name").asString()).isEqualTo(prefix + "scratch");
        assertThat(image.path("description").asString()).isEqualTo("scratch disk");
        assertThat(image.path("format").asString()).isEqualTo("vdi");
        assertThat(image.path("variant").asString()).isEqualTo("dynamic");
        assertThat(image.path("type").asString()).isEqualTo("writethrough");
        assertThat(image.path("sizeBytes").asLong()).isEqualTo(64L * MIB);
        assertThat(image.path("allocatedBytes").asLong()).isPositive().isLessThan(MIB);
        assertThat(image.path("parentId").isNull()).isTrue();
        assertThat(image.path("childCount").asLong()).isZero();
        assertThat(image.path("chainDepth").asInt()).isEqualTo(1);
        assertThat(image.path("autoReset").asBoolean()).isFalse();
        assertThat(image.path("state").asString()).isEqualTo("ready");
        assertThat(image.path("attachments").isArray()).isTrue();
        assertThat(image.path("attachments").size()).isZero();
        assertThat(image.path("createdAt").asString()).isNotBlank();
        assertThat(image.path("updatedAt").asString()).isNotBlank();
    }

    @Test
    void listPagesWithTotalsAndFiltersByTypeParentAndName() {
        String base = createBlank(prefix + "base-a", "immutable");
        createBlank(prefix + "base-b", "normal");
        createBlank(prefix + "other_c", "normal");
        String child = createChild(base, prefix + "child-of-a");

        JsonNode firstPage = api.get("/api/images?name=" + prefix + "&size=3&page=0").expect(200).json();
        assertThat(firstPage.path("totalItems").asLong()).isEqualTo(4);
        assertThat(firstPage.path("totalPages").asInt()).isEqualTo(2);
        assertThat(firstPage.path("items").size()).isEqualTo(3);
        JsonNode secondPage = api.get("/api/images?name=" + prefix + "&size=3&page=1").expect(200).json();
        assertThat(secondPage.path("items").size()).isEqualTo(1);
        assertThat(names(firstPage)).doesNotContainAnyElementsOf(names(secondPage));

        assertThat(names(api.get("/api/images?name=" + prefix + "&type=immutable").expect(200).json()))
                .containsExactly(prefix + "base-a");
        assertThat(names(api.get("/api/images?parentId=" + base).expect(200).json()))
                .containsExactly(prefix + "child-of-a");
        assertThat(names(api.get("/api/images?name=" + prefix.toUpperCase() + "BASE").expect(200).json()))
                .containsExactlyInAnyOrder(prefix + "base-a", prefix + "base-b");
        // An underscore in the filter is a character, not a wildcard.
        assertThat(names(api.get("/api/images?name=" + prefix + "other_").expect(200).json()))
                .containsExactly(prefix + "other_c");

        JsonNode parent = api.get("/api/images/" + base).expect(200).json();
        assertThat(parent.path("childCount").asLong()).isEqualTo(1);
        JsonNode diff = api.get("/api/images/" + child).expect(200).json();
        assertThat(diff.path("parentId").asString()).isEqualTo(base);
        assertThat(diff.path("chainDepth").asInt()).isEqualTo(2);
    }

    @Test
    void imagesAreListedInNaturalNameOrderPageByPage() {
        for (String n : List.of("10", "2", "11", "1")) {
            createBlank(prefix + "db-" + n, "normal");
        }

        List<String> names = new ArrayList<>();
        for (int page = 0; page < 2; page++) {
            names.addAll(names(api.get("/api/images?name=" + prefix + "db-&size=2&page=" + page).expect(200).json()));
        }
        assertThat(names).containsExactly(prefix + "db-1", prefix + "db-2", prefix + "db-10", prefix + "db-11");
    }

    @Test
    void theImageTreeShowsGoldenImagesFirst() {
        createBlank(prefix + "a-plain", "normal");
        createBlank(prefix + "z-golden", "immutable");

        List<String> roots = api.get("/api/images/tree").expect(200).json().valueStream()
                .map(node -> node.path("name").asString()).toList();
        assertThat(roots).contains(prefix + "a-plain", prefix + "z-golden");
        assertThat(roots.indexOf(prefix + "z-golden")).isLessThan(roots.indexOf(prefix + "a-plain"));
    }

    @Test
    void listsBaseImagesAndDifferencingDisksApart() {
        String golden = createBlank(prefix + "golden", "immutable");
        createBlank(prefix + "plain", "normal");
        createChild(golden, prefix + "disk-of-m1");
        createChild(golden, prefix + "disk-of-m2");

        assertThat(names(api.get("/api/images?kind=base&name=" + prefix).expect(200).json()))
                .containsExactlyInAnyOrder(prefix + "golden", prefix + "plain");
        assertThat(names(api.get("/api/images?kind=differencing&name=" + prefix).expect(200).json()))
                .containsExactlyInAnyOrder(prefix + "disk-of-m1", prefix + "disk-of-m2");
        assertThat(names(api.get("/api/images?kind=base&type=immutable&name=" + prefix).expect(200).json()))
                .containsExactly(prefix + "golden");
        assertThat(api.get("/api/images?kind=golden").expectProblem(400, "validation")).contains("kind")
                .contains("base or differencing");
    }

    // ---- upload, clone, download ----------------------------------------------------------------

    @Test
    void vdiWrittenByQemuImgIsUploadedClonedAndDownloadedByteForByte() throws Exception {
        QemuTools.require("qemu-img");
        Path source = randomDisk(12 * MIB);
        Path vdi = work.resolve("golden.vdi");
        QemuTools.qemuImg("convert", "-f", "raw", "-O", "vdi", source.toString(), vdi.toString());

        // As the README's curl sends it: --data-binary with the type named (a form label is refused, HardeningTest).
        Reply uploaded = api.upload("POST", "/api/images/uploads?name=" + prefix + "golden&type=normal",
                BodyPublishers.ofFile(vdi), "Content-Type", "application/octet-stream").expect(201);
        JsonNode golden = uploaded.json();
        assertThat(golden.path("format").asString()).isEqualTo("vdi");
        assertThat(golden.path("sizeBytes").asLong()).isEqualTo(12L * MIB);
        String goldenId = golden.path("id").asString();

        Reply accepted = api.post("/api/images/" + goldenId + "/clone",
                body("name", prefix + "clone", "format", "vdi", "type", "immutable")).expect(202);
        String location = accepted.header("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/operations/" + accepted.json().path("id").asString());
        assertThat(accepted.json().path("kind").asString()).isEqualTo("clone-image");
        JsonNode operation = api.awaitOperation(location);
        assertThat(operation.path("state").asString()).isEqualTo("succeeded");
        assertThat(operation.path("progress").asInt()).isEqualTo(100);
        String cloneUrl = operation.path("resourceUrl").asString();
        assertThat(cloneUrl).startsWith("/api/images/");

        JsonNode clone = api.get(cloneUrl).expect(200).json();
        String cloneId = clone.path("id").asString();
        assertThat(cloneId).isNotEqualTo(goldenId);
        assertThat(clone.path("type").asString()).isEqualTo("immutable");
        assertThat(clone.path("name").asString()).isEqualTo(prefix + "clone");
        QemuTools.assertCheckClean(storageRoot().resolve(cloneId + ".vdi"));
        assertThat(QemuTools.qemuImg("info", "-f", "vdi", storageRoot().resolve(cloneId + ".vdi").toString()))
                .contains(cloneId);

        Reply raw = api.get(cloneUrl + "/content").expect(200);
        assertThat(raw.header("Content-Length")).hasValue(String.valueOf(12 * MIB));
        assertThat(raw.header("Accept-Ranges")).hasValue("bytes");
        assertThat(Arrays.mismatch(raw.bytes(), Files.readAllBytes(source))).isEqualTo(-1);

        Path exported = work.resolve("exported.vdi");
        Files.write(exported, api.get(cloneUrl + "/content?format=vdi").expect(200).bytes());
        QemuTools.assertIdentical(exported, source);
    }

    @Test
    void uploadByPutWithoutContentTypeWorksAsCurlTSendsIt() throws Exception {
        Path disk = randomDisk(3 * MIB);
        JsonNode image = api.upload("PUT", "/api/images/uploads?name=" + prefix + "put&description=from%20curl",
                BodyPublishers.ofFile(disk)).expect(201).json();
        assertThat(image.path("format").asString()).isEqualTo("raw");
        assertThat(image.path("description").asString()).isEqualTo("from curl");
        byte[] content = api.get("/api/images/" + image.path("id").asString() + "/content").expect(200).bytes();
        assertThat(Arrays.mismatch(content, Files.readAllBytes(disk))).isEqualTo(-1);
    }

    @Test
    void hostileOrTruncatedUploadsAreRefusedAndLeaveNothingBehind() throws Exception {
        byte[] valid = Files.readAllBytes(storageRoot().resolve(createVdiWithData(prefix + "template") + ".vdi"));
        List<byte[]> hostile = List.of(
                Arrays.copyOf(valid, valid.length / 2),
                withInt(valid, ByteOrder.LITTLE_ENDIAN, 0x180, Integer.MAX_VALUE),
                withLong(valid, ByteOrder.LITTLE_ENDIAN, 0x170, Long.MAX_VALUE / 2),
                withInt(valid, ByteOrder.LITTLE_ENDIAN, 0x4C, 4),
                Arrays.copyOf(valid, 300),
                new byte[0],
                new byte[1000]);
        Set<String> filesBefore = filesInStorageRoot();
        Set<UUID> rowsBefore = rowIds();

        for (byte[] upload : hostile) {
            Reply refused = api.upload("POST", "/api/images/uploads?name=" + prefix + "hostile",
                    BodyPublishers.ofByteArray(upload), "Content-Type", "application/octet-stream");
            String detail = refused.expectProblem(422, "invalid-image");
            assertThat(detail).isNotBlank().doesNotContain(".tmp");
        }
        assertThat(filesInStorageRoot()).isEqualTo(filesBefore);
        assertThat(rowIds()).isEqualTo(rowsBefore);
        assertThat(api.get("/api/images?name=" + prefix + "hostile").expect(200).json().path("totalItems").asLong())
                .isZero();
    }

    @Test
    void uploadWithoutANameIsRefusedBeforeTheBodyIsStored() {
        Set<String> filesBefore = filesInStorageRoot();
        String detail = api.upload("POST", "/api/images/uploads?type=normal", BodyPublishers.ofByteArray(new byte[4096]),
                "Content-Type", "application/octet-stream").expectProblem(400, "missing-parameter");
        assertThat(detail).contains("'name'");
        api.upload("POST", "/api/images/uploads?name=x", BodyPublishers.ofByteArray(new byte[512]),
                "Content-Type", "multipart/form-data; boundary=x").expectProblem(415, "unsupported-media-type");
        assertThat(filesInStorageRoot()).isEqualTo(filesBefore);
    }

    @Test
    void cloneOfADifferencingImageIsFlattenedIntoAnIndependentCopy() {
        String base = createBlank(prefix + "base", "normal");
        byte[] golden = randomBytes(3 * MIB, 7);
        store.write(UUID.fromString(base), MIB, ByteBuffer.wrap(golden));
        String child = createChild(base, prefix + "child");
        store.write(UUID.fromString(child), 2 * MIB, ByteBuffer.wrap(new byte[] {1, 2, 3}));

        JsonNode operation = api.awaitOperation(api.post("/api/images/" + child + "/clone",
                body("name", prefix + "flat", "format", "raw")).expect(202).header("Location").orElseThrow());
        assertThat(operation.path("state").asString()).isEqualTo("succeeded");
        JsonNode flat = api.get(operation.path("resourceUrl").asString()).expect(200).json();
        assertThat(flat.path("parentId").isNull()).isTrue();
        assertThat(flat.path("chainDepth").asInt()).isEqualTo(1);
        assertThat(flat.path("format").asString()).isEqualTo("raw");

        byte[] expected = new byte[16 * MIB];
        System.arraycopy(golden, 0, expected, MIB, golden.length);
        expected[2 * MIB] = 1;
        expected[2 * MIB + 1] = 2;
        expected[2 * MIB + 2] = 3;
        byte[] content = api.get(operation.path("resourceUrl").asString() + "/content").expect(200).bytes();
        assertThat(Arrays.mismatch(content, expected)).isEqualTo(-1);
    }

    @Test
    void rangeRequestsServeExactlyTheBytesAskedFor() throws Exception {
        Path disk = randomDisk(2 * MIB);
        byte[] all = Files.readAllBytes(disk);
        String content = "/api/images/" + api.upload("POST", "/api/images/uploads?name=" + prefix + "ranges",
                BodyPublishers.ofFile(disk), "Content-Type", "application/octet-stream").expect(201)
                .json().path("id").asString() + "/content";

        Reply middle = api.get(content, "Range", "bytes=1000-1999").expect(206);
        assertThat(middle.header("Content-Range")).hasValue("bytes 1000-1999/" + all.length);
        assertThat(middle.header("Content-Length")).hasValue("1000");
        assertThat(middle.bytes()).isEqualTo(Arrays.copyOfRange(all, 1000, 2000));

        Reply tail = api.get(content, "Range", "bytes=" + (all.length - 10) + "-").expect(206);
        assertThat(tail.bytes()).isEqualTo(Arrays.copyOfRange(all, all.length - 10, all.length));
        Reply suffix = api.get(content, "Range", "bytes=-4096").expect(206);
        assertThat(suffix.header("Content-Range")).hasValue("bytes " + (all.length - 4096) + "-" + (all.length - 1)
                + "/" + all.length);
        assertThat(suffix.bytes()).isEqualTo(Arrays.copyOfRange(all, all.length - 4096, all.length));
        Reply beyondEnd = api.get(content, "Range", "bytes=10-99999999").expect(206);
        assertThat(beyondEnd.bytes()).isEqualTo(Arrays.copyOfRange(all, 10, all.length));

        Reply unsatisfiable = api.get(content, "Range", "bytes=" + all.length + "-");
        assertThat(unsatisfiable.expectProblem(416, "range-not-satisfiable")).contains(String.valueOf(all.length));
        assertThat(unsatisfiable.header("Content-Range")).hasValue("bytes */" + all.length);
        // Several ranges at once are not served piecewise: the whole disk comes back, as RFC 9110 allows.
        assertThat(api.get(content, "Range", "bytes=0-1,5-6").expect(200).bytes()).hasSize(all.length);
    }

    @Test
    void checkReportsTheFilesConsistency() {
        String id = createBlank(prefix + "checked", "normal");
        store.write(UUID.fromString(id), 3 * MIB, ByteBuffer.wrap(randomBytes(MIB, 3)));
        JsonNode report = api.postEmpty("/api/images/" + id + "/check").expect(200).json();
        assertThat(report.path("imageId").asString()).isEqualTo(id);
        assertThat(report.path("format").asString()).isEqualTo("vdi");
        assertThat(report.path("clean").asBoolean()).isTrue();
        assertThat(report.path("totalUnits").asLong()).isEqualTo(16);
        assertThat(report.path("allocatedUnits").asLong()).isEqualTo(1);
        assertThat(report.path("corruptions").size()).isZero();
    }

    // ---- patch, delete ----------------------------------------------------------------------------

    @Test
    void concurrentTypeChangesNeverLoseAnUpdate() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                String id = createBlank(prefix + "contended-" + round, "normal");
                String etag = api.get("/api/images/" + id).expect(200).header("ETag").orElseThrow();
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<Reply>> replies = new ArrayList<>();
                for (String type : List.of("immutable", "writethrough")) {
                    replies.add(CompletableFuture.supplyAsync(() -> {
                        await(start);
                        return api.patch("/api/images/" + id, body("type", type), "If-Match", etag);
                    }, clients));
                }
                start.countDown();
                List<Reply> done = replies.stream().map(CompletableFuture::join).toList();

                List<Reply> winners = done.stream().filter(r -> r.status() == 200).toList();
                List<Reply> losers = done.stream().filter(r -> r.status() != 200).toList();
                assertThat(winners).as("exactly one change wins").hasSize(1);
                assertThat(losers.get(0).status()).as(losers.get(0).text()).isIn(409, 412);
                assertThat(losers.get(0).header("Content-Type").orElse("")).startsWith("application/problem+json");
                JsonNode now = api.get("/api/images/" + id).expect(200).json();
                assertThat(now.path("type").asString()).isEqualTo(winners.get(0).json().path("type").asString());
                assertThat(api.get("/api/images/" + id).header("ETag")).isEqualTo(winners.get(0).header("ETag"))
                        .hasValue("\"1\"");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void patchHonoursIfMatchAndVirtualBoxRules() {
        String id = createBlank(prefix + "rules", "normal");
        Reply renamed = api.patch("/api/images/" + id, body("name", prefix + "renamed", "description", "d"),
                "If-Match", "\"0\"").expect(200);
        assertThat(renamed.header("ETag")).hasValue("\"1\"");
        assertThat(renamed.json().path("name").asString()).isEqualTo(prefix + "renamed");

        assertThat(api.patch("/api/images/" + id, body("type", "immutable"), "If-Match", "\"0\"")
                .expectProblem(412, "stale-etag")).contains("\"1\"");
        assertThat(api.patch("/api/images/" + id, body("autoReset", true)).expectProblem(400, "autoreset-on-base"))
                .contains("base image");

        String child = createChild(id, prefix + "rules-child");
        assertThat(api.patch("/api/images/" + id, body("type", "immutable")).expectProblem(409, "image-has-children"))
                .contains(child).contains(prefix + "rules-child");
        JsonNode diff = api.patch("/api/images/" + child, body("autoReset", true)).expect(200).json();
        assertThat(diff.path("autoReset").asBoolean()).isTrue();
    }

    @Test
    void deleteIsRefusedWhileChildrenExistNamingThemThenRemovesRowAndFile() {
        String base = createBlank(prefix + "parent", "immutable");
        String child = createChild(base, prefix + "kid");
        assertThat(api.delete("/api/images/" + base).expectProblem(409, "image-has-children")).contains(child);
        assertThat(store.exists(UUID.fromString(base))).isTrue();

        api.delete("/api/images/" + child).expect(204);
        api.delete("/api/images/" + base).expect(204);
        assertThat(store.exists(UUID.fromString(base))).isFalse();
        assertThat(store.exists(UUID.fromString(child))).isFalse();
        api.get("/api/images/" + base).expectProblem(404, "not-found");
        api.delete("/api/images/" + base).expectProblem(404, "not-found");
    }

    // ---- operations --------------------------------------------------------------------------------

    @Test
    void operationsArePagedNewestFirstAndLongPolled() {
        String id = createBlank(prefix + "ops", "normal");
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            submitted.add(api.post("/api/images/" + id + "/clone", body("name", prefix + "ops-clone-" + i))
                    .expect(202).json().path("id").asString());
        }
        for (String op : submitted) {
            JsonNode finished = api.get("/api/operations/" + op + "/wait?timeout=30").expect(200).json();
            assertThat(finished.path("state").asString()).isEqualTo("succeeded");
            assertThat(finished.path("targetId").asString()).isEqualTo(id);
            assertThat(finished.path("finishedAt").asString()).isNotBlank();
        }
        JsonNode page = api.get("/api/operations?page=0&size=2").expect(200).json();
        assertThat(page.path("size").asInt()).isEqualTo(2);
        assertThat(page.path("items").size()).isEqualTo(2);
        assertThat(page.path("totalItems").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(page.path("items").get(0).path("createdAt").asString())
                .isGreaterThanOrEqualTo(page.path("items").get(1).path("createdAt").asString());

        api.get("/api/operations/" + UUID.randomUUID()).expectProblem(404, "not-found");
        api.get("/api/operations/" + submitted.get(0) + "/wait?timeout=61").expectProblem(400, "validation");
        assertThat(api.get("/api/operations/not-a-uuid").expectProblem(400, "invalid-parameter")).contains("'id'");
    }

    @Test
    void failedCloneCarriesItsErrorAsAProblemAndLeavesNothingBehind() throws Exception {
        String id = createVdiWithData(prefix + "damaged");
        // The file loses its data blocks behind the service's back; the clone then reads past its end.
        Path file = storageRoot().resolve(id + ".vdi");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(8192);
        }
        Set<String> filesBefore = filesInStorageRoot();
        Set<UUID> rowsBefore = rowIds();

        JsonNode operation = api.awaitOperation(api.post("/api/images/" + id + "/clone",
                body("name", prefix + "never")).expect(202).header("Location").orElseThrow());
        assertThat(operation.path("state").asString()).isEqualTo("failed");
        JsonNode error = operation.path("error");
        assertThat(error.path("status").asInt()).isEqualTo(422);
        assertThat(error.path("type").asString()).isEqualTo("https://diskfleet.dev/problems/invalid-image");
        assertThat(error.path("detail").asString()).contains("end of file");
        assertThat(operation.has("resourceUrl")).isFalse();
        assertThat(filesInStorageRoot()).isEqualTo(filesBefore);
        assertThat(rowIds()).isEqualTo(rowsBefore);
    }

    // ---- errors, orphans ---------------------------------------------------------------------------

    @Test
    void clientErrorsAreProblemDocumentsThatSayWhatToSend() {
        assertThat(api.get("/api/images/not-a-uuid").expectProblem(400, "invalid-parameter"))
                .contains("path parameter 'id'").contains("UUID").contains("not-a-uuid");
        assertThat(api.get("/api/images?page=first").expectProblem(400, "invalid-parameter"))
                .contains("query parameter 'page'").contains("whole number");
        assertThat(api.get("/api/images?type=golden").expectProblem(400, "validation")).contains("type");
        assertThat(api.delete("/api/images").expectProblem(405, "method-not-allowed")).contains("GET, POST");
        assertThat(api.get("/api/imagez").expectProblem(404, "no-such-endpoint")).contains("/v3/api-docs");
        api.get("/api/images/" + UUID.randomUUID()).expectProblem(404, "not-found");
        api.get("/api/images/" + UUID.randomUUID() + "/content").expectProblem(404, "not-found");

        Reply invalid = api.post("/api/images", body("name", "", "sizeBytes", 1000, "variant", "sparse"));
        assertThat(invalid.expectProblem(400, "validation")).contains("name").contains("sizeBytes").contains("variant");
        assertThat(invalid.json().path("errors").size()).isEqualTo(3);
        assertThat(api.post("/api/images", body("name", "x", "sizeBytes", 1L << 60))
                .expectProblem(400, "virtual-size-too-large")).contains("8796093022208").contains("max-virtual-size");
        assertThat(api.post("/api/images", body("name", "x", "sizeBytes", MIB, "format", "vhd"))
                .expectProblem(400, "unsupported-format")).contains("vdi");
        api.upload("POST", "/api/images", BodyPublishers.ofString("{\"name\":"), "Content-Type", "application/json")
                .expectProblem(400, "unreadable-body");
        api.upload("POST", "/api/images", BodyPublishers.ofString("name=x"), "Content-Type", "text/plain")
                .expectProblem(415, "unsupported-media-type");
        String id = createBlank(prefix + "errors", "normal");
        api.get("/api/images/" + id + "/content?format=vhd").expectProblem(400, "unsupported-format");
        api.post("/api/images/" + id + "/clone", body("name", "")).expectProblem(400, "validation");
        api.post("/api/images/" + id + "/clone", body("name", "c", "format", "vhd")).expectProblem(400,
                "unsupported-format");
    }

    @Test
    void anImageFileNoRowKnowsIsListedAsAnOrphan() throws IOException {
        UUID stray = UUID.randomUUID();
        Files.copy(storageRoot().resolve(createBlank(prefix + "model", "normal") + ".vdi"),
                storageRoot().resolve(stray + ".vdi"));
        JsonNode orphans = api.get("/api/storage/orphans").expect(200).json().path("files");
        List<String> ids = new ArrayList<>();
        orphans.forEach(orphan -> ids.add(orphan.path("id").asString()));
        assertThat(ids).contains(stray.toString());
        store.deleteUnownedFile(stray + ".vdi");
        JsonNode after = api.get("/api/storage/orphans").expect(200).json().path("files");
        after.forEach(orphan -> assertThat(orphan.path("id").asString()).isNotEqualTo(stray.toString()));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    String createVdiWithData(String name) throws IOException {
        Path raw = randomDisk(4 * MIB);
        String id = api.post("/api/images", body("name", name, "sizeBytes", 4 * MIB)).expect(201).json()
                .path("id").asString();
        store.write(UUID.fromString(id), 0, ByteBuffer.wrap(Files.readAllBytes(raw)));
        return id;
    }

    static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(item -> names.add(item.path("name").asString()));
        return names;
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
