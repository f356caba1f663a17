package dev.diskfleet.api.image;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.provisioning.image.ImageProvisioning;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.support.DiskfleetClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The service stopped and started again on the same H2 file and storage root: every image is found
 * again, and what a crash left behind (a missing file, a stray file, temporaries, a running operation)
 * is reconciled before the first request.
 */
class ImageRestartTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path data;

    @Test
    void restartFindsEveryImageAgainAndReconcilesWhatACrashLeftBehind() throws Exception {
        byte[] uploaded = new byte[2 * MIB];
        new Random(11).nextBytes(uploaded);
        Map<String, JsonNode> before = new LinkedHashMap<>();
        String blank;
        String upload;
        try (ConfigurableApplicationContext service = start()) {
            DiskfleetClient api = api(service);
            blank = api.post("/api/images", body("name", "blank", "sizeBytes", 8 * MIB, "type", "immutable"))
                    .expect(201).json().path("id").asString();
            upload = api.upload("POST", "/api/images/uploads?name=uploaded&type=writethrough",
                    BodyPublishers.ofByteArray(uploaded), "Content-Type", "application/octet-stream")
                    .expect(201).json().path("id").asString();
            String cloneUrl = api.awaitOperation(api.post("/api/images/" + upload + "/clone",
                    body("name", "clone", "format", "vdi")).expect(202).header("Location").orElseThrow())
                    .path("resourceUrl").asString();
            String clone = cloneUrl.substring(cloneUrl.lastIndexOf('/') + 1);
            String child = createChild(service, blank);
            for (String id : List.of(blank, upload, clone, child)) {
                before.put(id, api.get("/api/images/" + id).expect(200).json());
            }
        }

        // What a crash leaves: a file gone missing, a file nobody registered, half-written temporaries,
        // and an operation that was running.
        Path root = data.resolve("images");
        Path blankFile = root.resolve(blank + ".vdi");
        Path aside = data.resolve("aside.vdi");
        Files.move(blankFile, aside);
        UUID stray = UUID.randomUUID();
        Files.copy(root.resolve(upload + ".raw"), root.resolve(stray + ".raw"));
        UUID interrupted = UUID.randomUUID();
        UUID partial = UUID.randomUUID();
        Files.write(root.resolve("." + partial + ".vdi.tmp"), new byte[4096]);
        Files.write(root.resolve("." + UUID.randomUUID() + ".upload.tmp"), new byte[4096]);
        insertRunningOperation(interrupted, UUID.fromString(upload));

        try (ConfigurableApplicationContext service = start()) {
            DiskfleetClient api = api(service);
            for (var expected : before.entrySet()) {
                JsonNode now = api.get("/api/images/" + expected.getKey()).expect(200).json();
                for (String field : List.of("name", "format", "variant", "type", "sizeBytes", "parentId",
                        "chainDepth", "childCount", "createdAt")) {
                    assertThat(now.path(field)).as(field + " of " + expected.getKey())
                            .isEqualTo(expected.getValue().path(field));
                }
                assertThat(now.path("state").asString()).isEqualTo(expected.getKey().equals(blank)
                        ? "inaccessible" : "ready");
            }
            assertThat(api.get("/api/images?size=100").expect(200).json().path("totalItems").asLong()).isEqualTo(4);
            assertThat(api.get("/api/images/" + upload + "/content").expect(200).bytes()).isEqualTo(uploaded);

            assertThat(api.get("/api/images/" + blank + "/content").expectProblem(409, "image-inaccessible"))
                    .contains(blank + ".vdi");
            api.post("/api/images/" + blank + "/clone", body("name", "x")).expectProblem(409, "image-inaccessible");
            api.postEmpty("/api/images/" + blank + "/check").expectProblem(409, "image-inaccessible");

            JsonNode orphans = api.get("/api/storage/orphans").expect(200).json().path("files");
            assertThat(orphans.size()).isEqualTo(1);
            assertThat(orphans.get(0).path("id").asString()).isEqualTo(stray.toString());
            assertThat(orphans.get(0).path("fileName").asString()).isEqualTo(stray + ".raw");
            try (var files = Files.list(root)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
            }

            JsonNode operation = api.get("/api/operations/" + interrupted).expect(200).json();
            assertThat(operation.path("state").asString()).isEqualTo("failed");
            assertThat(operation.path("error").path("detail").asString()).contains("stopped").contains("again");
        }

        Files.move(aside, blankFile);
        try (ConfigurableApplicationContext service = start()) {
            DiskfleetClient api = api(service);
            assertThat(api.get("/api/images/" + blank).expect(200).json().path("state").asString()).isEqualTo("ready");
            assertThat(api.get("/api/images/" + blank + "/content", "Range", "bytes=0-511").expect(206).bytes())
                    .hasSize(512);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(DiskfleetApplication.class).run("--server.port=0",
                "--diskfleet.data-dir=" + data, "--spring.main.banner-mode=off",
                "--diskfleet.security.admin-token=" + DiskfleetClient.TEST_ADMIN_TOKEN);
    }

    private static DiskfleetClient api(ConfigurableApplicationContext service) {
        return new DiskfleetClient(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
    }

    private static String createChild(ConfigurableApplicationContext service, String parent) {
        ImageStore store = service.getBean(ImageStore.class);
        UUID id = UUID.randomUUID();
        var file = store.createDifferencing(id, UUID.fromString(parent));
        store.write(id, 0, ByteBuffer.wrap(new byte[] {42}));
        Image parentRow = service.getBean(ImageRepository.class).findById(UUID.fromString(parent)).orElseThrow();
        service.getBean(ImageProvisioning.class).record(id, () -> Image.differencing(file, parentRow, "child", null,
                false));
        return id.toString();
    }

    /** As a kill -9 in the middle of a clone leaves it: the row says running. */
    private void insertRunningOperation(UUID id, UUID target) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("diskfleet"), "sa", "");
                PreparedStatement insert = db.prepareStatement("INSERT INTO operations (id, kind, state, progress,"
                        + " target_id, created_at, updated_at, version) VALUES (?, 'clone-image', 'RUNNING', 40, ?,"
                        + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)")) {
            insert.setObject(1, id);
            insert.setObject(2, target);
            insert.executeUpdate();
        }
    }
}
