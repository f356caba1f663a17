package dev.diskfleet.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.support.DiskfleetClient.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * The base of every full-stack test: the whole service on a random port, with its H2 database and storage
 * root in a fresh temporary folder, and {@link #api}, a {@link DiskfleetClient} of it. Every subclass that
 * adds no context annotation of its own shares one cached application context, so tests share the
 * database: every name they create is unique ({@link #unique}). The steps here are the ones a user takes
 * before the thing under test: images, machines, attachments, guest disk I/O, power.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TemporaryDataDir.class)
@Import({HeldRequestEndpoint.class, FleetFaults.class})
public abstract class FullStackTest {

    /** Small disks keep the tests fast: four 1 MiB VDI blocks. */
    protected static final long DISK_SIZE = 4L << 20;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @LocalServerPort
    protected int port;
    @Autowired
    protected ImageStore store;
    @Value("${diskfleet.data-dir}")
    private Path dataDir;
    /** The store hands out no path; a test that looks at its files reads the setting it was given instead. */
    @Value("${diskfleet.storage.root}")
    private Path storageRoot;

    protected DiskfleetClient api;

    @BeforeEach
    void connect() {
        api = new DiskfleetClient(port);
    }

    /** Every status a test of this class received is one the API document gives for that operation. */
    @AfterAll
    static void everyStatusReceivedIsDocumented() {
        assertThat(DocumentedStatuses.undocumented())
                .as("statuses the HTTP tests received that openapi/openapi.yaml does not list for the operation;"
                        + " document them (and regenerate the file) or fix the endpoint")
                .isEmpty();
    }

    protected static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- images, machines, attachments -------------------------------------------------------------

    protected UUID createImage(String type) {
        return createImage(type, "vdi");
    }

    protected UUID createImage(String type, String format) {
        Reply created = api.post("/api/images", DiskfleetClient.body("name", unique("disk"), "sizeBytes", DISK_SIZE,
                "format", format, "type", type)).expect(201);
        return id(created.json(), "id");
    }

    protected UUID createMachine() {
        return createMachine(unique("vm"));
    }

    protected UUID createMachine(String name) {
        return id(api.post("/api/machines", DiskfleetClient.body("name", name, "cpus", 2, "memoryMb", 2048))
                .expect(201).json(), "id");
    }

    /** Attaches at {@code port}; {@code extra} is more JSON members, e.g. {@code ,"autoReset":false}. */
    protected Reply attach(UUID machine, UUID image, int port, String extra) {
        return api.post("/api/machines/" + machine + "/attachments", "{\"imageId\":\"" + image + "\",\"port\":" + port
                + ",\"device\":0" + extra + "}");
    }

    /** Attaches at the port and returns the attachment's JSON. */
    protected JsonNode attached(UUID machine, UUID image, int port) {
        return attached(machine, image, port, "");
    }

    protected JsonNode attached(UUID machine, UUID image, int port, String extra) {
        return attach(machine, image, port, extra).expect(201).json();
    }

    protected static UUID id(JsonNode node, String field) {
        return UUID.fromString(node.get(field).asString());
    }

    protected void power(UUID machine, String action) {
        api.postEmpty("/api/machines/" + machine + "/" + action).expect(200);
    }

    /**
     * A golden image seeded over HTTP as a user would: a blank normal image attached to a seeding machine,
     * written through the guest I/O endpoint, detached, then made immutable.
     */
    protected UUID goldenImage(byte[] content) {
        UUID image = createImage("normal");
        UUID seeder = createMachine(unique("seeder"));
        UUID attachment = id(attached(seeder, image, 0), "id");
        written(seeder, attachment, 0, content);
        api.delete("/api/machines/" + seeder).expect(204);
        api.patch("/api/images/" + image, "{\"type\":\"immutable\"}").expect(200);
        return image;
    }

    // ---- guest disk I/O ----------------------------------------------------------------------------

    protected static String dataPath(UUID machine, UUID attachment) {
        return "/api/machines/" + machine + "/attachments/" + attachment + "/data";
    }

    protected Reply write(UUID machine, UUID attachment, long offset, byte[] data, String... headers) {
        String[] all = Stream.concat(Stream.of("Content-Type", "application/octet-stream", "Content-Range",
                "bytes " + offset + "-" + (offset + data.length - 1) + "/*"), Stream.of(headers)).toArray(String[]::new);
        return api.upload("PUT", dataPath(machine, attachment),
                BodyPublishers.ofByteArray(data), all);
    }

    protected void written(UUID machine, UUID attachment, long offset, byte[] data) {
        write(machine, attachment, offset, data).expect(204);
    }

    protected byte[] read(UUID machine, UUID attachment, long offset, int length) {
        return api.get(dataPath(machine, attachment), "Range", "bytes=" + offset + "-" + (offset + length - 1))
                .expect(206).bytes();
    }

    protected static byte[] pattern(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    // ---- what a response and the storage root show -------------------------------------------------

    /** Asserts a problem document: its status, its type slug and that its detail names what it should. */
    protected static JsonNode assertProblem(Reply response, int status, String type, String... detailMentions) {
        String detail = response.expectProblem(status, type);
        if (detailMentions.length > 0) {
            assertThat(detail).contains(detailMentions);
        }
        return response.json();
    }

    protected Path storageRoot() {
        return storageRoot.toAbsolutePath().normalize();
    }

    /** Where a machine's guest keeps its console log, pid file and monitor socket (the README's run directory). */
    protected Path runDirectory(UUID machine) {
        return dataDir.resolve("guests").resolve(machine.toString());
    }

    /** A VDI image's file in the storage root. */
    protected Path imageFile(UUID image) {
        return storageRoot().resolve(image + ".vdi");
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
