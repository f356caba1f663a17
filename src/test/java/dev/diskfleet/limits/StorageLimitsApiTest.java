package dev.diskfleet.limits;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageRootLock;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.QemuTools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code diskfleet.limits.*} over HTTP on real files: an upload past max-upload-size stops at that byte
 * with 413, one max-virtual-size for create and upload, a fixed image really preallocated, and with
 * min-free-space above what the volume has, every request that would allocate space answers 507 before
 * writing (an NBD write gets ENOSPC, judged by qemu-io) while reads go on.
 */
class StorageLimitsApiTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path data;

    @Test
    void anUploadPastTheLimitStopsWith413AndLeavesNothing() throws IOException {
        try (ConfigurableApplicationContext service = start("--diskfleet.limits.max-upload-size=2MB")) {
            DiskfleetClient api = api(service);
            byte[] body = randomBytes(5 * MIB);
            // Chunked (no Content-Length): the service learns the size only by reading, and stops at the limit.
            String detail = api.upload("PUT", "/api/images/uploads?name=too-big",
                    BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                    .expectProblem(413, "upload-too-large");
            assertThat(detail).contains(String.valueOf(2 * MIB)).contains("max-upload-size");
            assertThat(filesIn(data.resolve("images"))).isEmpty();
            assertThat(api.get("/api/images").expect(200).json().path("totalItems").asLong(-1)).isZero();

            // Announced too large: refused before the body is read.
            api.upload("POST", "/api/images/uploads?name=declared", BodyPublishers.ofByteArray(new byte[3 * MIB]),
                    "Content-Type", "application/octet-stream").expectProblem(413, "upload-too-large");

            // At the limit exactly it is stored.
            api.upload("POST", "/api/images/uploads?name=just-fits", BodyPublishers.ofByteArray(randomBytes(2 * MIB)),
                    "Content-Type", "application/octet-stream").expect(201);
        }
    }

    @Test
    void oneVirtualSizeLimitForCreateAndUpload() throws IOException {
        Path elsewhere = Files.createDirectory(data.resolve("elsewhere"));
        UUID made = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(elsewhere)) {
            store.create(made, "qcow2", 128L * MIB, Variant.DYNAMIC);
        }
        byte[] qcow2 = Files.readAllBytes(elsewhere.resolve(made + ".qcow2"));

        try (ConfigurableApplicationContext service = start("--diskfleet.limits.max-virtual-size=64MB")) {
            DiskfleetClient api = api(service);
            assertThat(api.post("/api/images", body("name", "big", "sizeBytes", 128L * MIB))
                    .expectProblem(400, "virtual-size-too-large")).contains(String.valueOf(64L * MIB));
            api.post("/api/images", body("name", "fits", "sizeBytes", 64L * MIB)).expect(201);

            assertThat(api.upload("POST", "/api/images/uploads?name=big-qcow2", BodyPublishers.ofByteArray(qcow2),
                    "Content-Type", "application/octet-stream").expectProblem(422, "virtual-size-too-large"))
                    .contains("qcow2").contains(String.valueOf(128L * MIB));
            assertThat(filesIn(data.resolve("images"))).hasSize(1);
        }
    }

    @Test
    void aFixedImageIsPreallocated() throws Exception {
        try (ConfigurableApplicationContext service = start()) {
            DiskfleetClient api = api(service);
            for (String format : List.of("vdi", "raw")) {
                String id = api.post("/api/images", body("name", "fixed-" + format, "sizeBytes", 16L * MIB,
                        "format", format, "variant", "fixed")).expect(201).json().path("id").asString();
                String dynamic = api.post("/api/images", body("name", "dynamic-" + format, "sizeBytes", 16L * MIB,
                        "format", format)).expect(201).json().path("id").asString();

                assertThat(allocatedOnDisk(data.resolve("images/" + id + "." + format))).as(format + " fixed")
                        .isGreaterThanOrEqualTo(16L * MIB);
                assertThat(allocatedOnDisk(data.resolve("images/" + dynamic + "." + format))).as(format + " dynamic")
                        .isLessThan(MIB);
            }
        }
    }

    @Test
    void belowTheFreeSpaceReserveEveryAllocatingRequestIs507AndReadsGoOn() throws IOException {
        QemuTools.require("qemu-io");
        String golden;
        String machine;
        String attachment;
        String fleetGolden;
        try (ConfigurableApplicationContext service = start()) {
            DiskfleetClient api = api(service);
            golden = api.upload("POST", "/api/images/uploads?name=golden", BodyPublishers.ofByteArray(randomBytes(2 * MIB)),
                    "Content-Type", "application/octet-stream").expect(201).json().path("id").asString();
            fleetGolden = api.post("/api/images", body("name", "fleet-golden", "sizeBytes", 4L * MIB))
                    .expect(201).json().path("id").asString();
            String disk = api.post("/api/images", body("name", "disk", "sizeBytes", 4L * MIB))
                    .expect(201).json().path("id").asString();
            machine = api.post("/api/machines", body("name", "m1")).expect(201).json().path("id").asString();
            attachment = api.post("/api/machines/" + machine + "/attachments", body("imageId", disk, "port", 0,
                    "device", 0)).expect(201).json().path("id").asString();
        }
        List<Path> filesBefore = filesIn(data.resolve("images"));

        // 1 EiB: far above what any test machine's volume has free.
        try (ConfigurableApplicationContext service = start("--diskfleet.limits.min-free-space=1048576TB")) {
            DiskfleetClient api = api(service);
            api.post("/api/images", body("name", "blank", "sizeBytes", MIB)).expectProblem(507, "insufficient-storage");
            String detail = api.upload("POST", "/api/images/uploads?name=up", BodyPublishers.ofByteArray(randomBytes(MIB)),
                    "Content-Type", "application/octet-stream").expectProblem(507, "insufficient-storage");
            assertThat(detail).contains("min-free-space").doesNotContain(data.toString());
            api.upload("PUT", "/api/images/uploads?name=chunked",
                    BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(randomBytes(MIB))))
                    .expectProblem(507, "insufficient-storage");
            api.post("/api/images/" + golden + "/clone", body("name", "copy")).expectProblem(507, "insufficient-storage");
            api.post("/api/fleets", body("name", "f", "goldenImageId", fleetGolden, "size", 2, "machineNamePrefix", "f"))
                    .expectProblem(507, "insufficient-storage");
            api.get("/api/images/" + golden + "/content?format=vdi").expectProblem(507, "insufficient-storage");
            api.upload("PUT", "/api/machines/" + machine + "/attachments/" + attachment + "/data",
                    BodyPublishers.ofByteArray(new byte[512]), "Content-Type", "application/octet-stream",
                    "Content-Range", "bytes 0-511/*").expectProblem(507, "insufficient-storage");
            // The same write over NBD: the client gets ENOSPC, by the same rule.
            String uri = api.post("/api/machines/" + machine + "/attachments/" + attachment + "/exports",
                    body("writable", true)).expect(201).json().path("uri").asString();
            QemuTools.Result nbdWrite = QemuTools.run("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 1M", uri);
            assertThat(nbdWrite.output()).contains("No space left on device");

            // Reading allocates nothing: it still works.
            assertThat(api.get("/api/images/" + golden + "/content", "Range", "bytes=0-511").expect(206).bytes())
                    .hasSize(512);
            assertThat(api.get("/api/images").expect(200).json().path("totalItems").asLong(-1)).isEqualTo(3);
            assertThat(api.get("/api/fleets").expect(200).json().path("totalItems").asLong(-1)).isZero();
        }
        assertThat(filesIn(data.resolve("images"))).containsExactlyInAnyOrderElementsOf(filesBefore);
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--diskfleet.data-dir=" + data,
                "--spring.main.banner-mode=off",
                "--diskfleet.security.admin-token=" + DiskfleetClient.TEST_ADMIN_TOKEN));
        Collections.addAll(args, extra);
        return new SpringApplicationBuilder(DiskfleetApplication.class).run(args.toArray(String[]::new));
    }

    private static DiskfleetClient api(ConfigurableApplicationContext service) {
        return new DiskfleetClient(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    /**
     * Every image file in the storage root, hidden temporaries included; not the service's own runtime files
     * there (the storage root lock and the NBD socket), which come and go with the process, not with images.
     */
    private static List<Path> filesIn(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(file -> !file.getFileName().toString().equals(StorageRootLock.FILE_NAME)
                    && !file.getFileName().toString().endsWith(".sock")).toList();
        }
    }

    /** Bytes the file system has allocated to the file (what {@code du} counts), from stat's block count. */
    private static long allocatedOnDisk(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertThat(stat.waitFor()).isZero();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }
}
