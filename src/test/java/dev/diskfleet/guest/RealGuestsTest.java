package dev.diskfleet.guest;

import dev.diskfleet.support.Poll;
import dev.diskfleet.support.GuestTest;
import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.support.Campaign;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Real guests through the service: the test guest ({@link TestGuest}) uploaded as a golden disk, cloned to
 * qcow2 and to VDI, deployed as fleets whose machines boot under QEMU from their own differencing disks
 * (VDI ones through the service's NBD exports); the example golden of
 * {@code examples/golden/build-golden.sh} uploaded as is, whose members name themselves from their
 * cloud-init seeds and run Redis. Judges: each guest's own console lines, the machines' states and last
 * exits, SHA-256 of the golden and base files, 409s while a guest holds its disks, and /proc for QEMU
 * processes left behind.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "diskfleet.hypervisor=qemu")
@GuestTest
@ContextConfiguration(initializers = TemporaryDataDir.class)
class RealGuestsTest {

    /** Under TCG a boot takes about 7 s on a quiet machine; the CI machine may be shared and loaded. */
    static final Duration BOOT = Duration.ofSeconds(300);
    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();

    @LocalServerPort
    int port;

    @Autowired
    ImageStore store;
    @Value("${diskfleet.storage.root}")
    Path storageRoot;

    private DiskfleetClient api;
    private final String prefix = "g" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void guestTools() {
        TestGuest.requireTools();
    }

    @BeforeEach
    void client() {
        api = new DiskfleetClient(port);
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() {
        List<Long> left = GuestProcesses.runningQemuOf(MACHINES);
        GuestProcesses.kill(left);
        assertThat(left).as("QEMU processes of this class still running").isEmpty();
    }

    @Test
    void fleetGuestsBootFromTheirOwnQcow2AndVdiDisksWriteThereAndAutoresetBringsBackTheGolden() throws Exception {
        String raw = upload(Behaviour.POWER_OFF, prefix + "-poweroff");
        Map<String, String> goldens = Map.of("qcow2", cloneTo(raw, "qcow2", "normal"),
                "vdi", cloneTo(raw, "vdi", "normal"));
        Map<String, String> goldenSha = new ConcurrentHashMap<>();
        goldens.forEach((format, id) -> goldenSha.put(id, sha256(store.fileForHypervisor(UUID.fromString(id)))));

        // Both fleets deploy and boot at once: two guests per format, each on its own differencing disk.
        List<String> operations = new ArrayList<>();
        for (String format : List.of("qcow2", "vdi")) {
            operations.add(api.post("/api/fleets", body("name", prefix + "-" + format, "goldenImageId",
                    goldens.get(format), "size", 2, "machineNamePrefix", prefix + format, "autoReset", true,
                    "start", true)).expect(202).header("Location").orElseThrow());
        }
        List<JsonNode> fleets = new ArrayList<>();
        for (String operation : operations) {
            JsonNode done = api.awaitOperation(operation);
            assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
            fleets.add(api.get(done.path("resourceUrl").asString()).expect(200).json());
        }
        List<JsonNode> members = new ArrayList<>();
        for (JsonNode fleet : fleets) {
            goldenSha.put(fleet.path("baseImageId").asString(),
                    sha256(store.fileForHypervisor(UUID.fromString(fleet.path("baseImageId").asString()))));
            fleet.path("machines").forEach(members::add);
        }
        members.forEach(member -> MACHINES.add(UUID.fromString(member.path("machineId").asString())));
        assertThat(members).hasSize(4);

        // The guests power off by themselves: their machines follow.
        for (JsonNode member : members) {
            String machine = member.path("machineId").asString();
            JsonNode off = awaitState(machine, "poweredOff");
            // The console in the message: a guest that reboots instead (a panic with panic=-1) says why there.
            assertThat(off.path("lastExit").path("reason").asString())
                    .as(() -> off + "\nconsole:\n" + String.join("\n", console(machine))).isEqualTo("guestPoweredOff");
            assertThat(console(machine)).contains(TestGuest.foundLine(machine, TestGuest.GOLDEN_WRITER),
                    TestGuest.wroteLine(machine));
        }

        // Second boot: member 1 keeps autoreset, member 2 of each fleet is switched to keep its writes.
        List<String> keepers = new ArrayList<>();
        for (JsonNode fleet : fleets) {
            JsonNode second = fleet.path("machines").get(1);
            api.patch("/api/images/" + second.path("diskImageId").asString(), body("autoReset", false)).expect(200);
            keepers.add(second.path("machineId").asString());
        }
        for (JsonNode fleet : fleets) {
            JsonNode started = api.awaitOperation("/api/operations/" + api.postEmpty("/api/fleets/"
                    + fleet.path("id").asString() + "/start").expect(202).json().path("id").asString());
            assertThat(started.path("result").path("failed").asInt()).as(started.toString()).isZero();
        }
        for (JsonNode member : members) {
            String machine = member.path("machineId").asString();
            awaitState(machine, "poweredOff");
            String expected = keepers.contains(machine) ? machine : TestGuest.GOLDEN_WRITER;
            String unexpected = keepers.contains(machine) ? TestGuest.GOLDEN_WRITER : machine;
            assertThat(console(machine)).as("the console of %s's second boot", machine)
                    .contains(TestGuest.foundLine(machine, expected))
                    .doesNotContain(TestGuest.foundLine(machine, unexpected));
        }
        goldenSha.forEach((id, sha) -> assertThat(sha256(store.fileForHypervisor(UUID.fromString(id))))
                .as("SHA-256 of golden or base %s after its guests ran", id).isEqualTo(sha));
    }

    @Test
    void aRunningGuestsDisksAreItsOwnAndAGracefulStopOfAnAcpiIgnoringGuestFallsBackToAHardStop() {
        String golden = cloneTo(upload(Behaviour.STAY_UP, prefix + "-stayup"), "qcow2", "immutable");
        String machine = api.post("/api/machines", body("name", prefix + "-acpi", "cpus", 1, "memoryMb", 256))
                .expect(201).json().path("id").asString();
        MACHINES.add(UUID.fromString(machine));
        String attachment = api.post("/api/machines/" + machine + "/attachments",
                body("imageId", golden, "port", 0, "device", 0)).expect(201).json().path("id").asString();
        String data = "/api/machines/" + machine + "/attachments/" + attachment + "/data";
        String exports = "/api/machines/" + machine + "/attachments/" + attachment + "/exports";

        // QEMU opens a qcow2 disk itself: a user's export of it, even read-only, must not outlive the start.
        String reader = api.post(exports, body("writable", false)).expect(201).json().path("id").asString();
        api.postEmpty("/api/machines/" + machine + "/start").expectProblem(409, "disks-exported");
        api.delete("/api/exports/" + reader).expect(204);

        assertThat(api.postEmpty("/api/machines/" + machine + "/start").expect(200).json().path("state").asString())
                .isEqualTo("running");
        awaitConsole(machine, TestGuest.stayingUpLine(machine));

        JsonNode host = api.get("/api/host").expect(200).json();
        assertThat(host.path("driver").asString()).isEqualTo("qemu");
        assertThat(host.path("qemuVersion").asString()).matches("\\d+\\.\\d+.*");
        assertThat(host.path("accelerator").asString()).isIn("kvm", "tcg");
        assertThat(host.path("cpus").asInt()).isPositive();
        assertThat(host.path("runningGuests").findValuesAsString("machineId")).contains(machine);

        api.upload("PUT", data, BodyPublishers.ofByteArray(new byte[512]), "Content-Type",
                "application/octet-stream", "Content-Range", "bytes 0-511/*").expectProblem(409, "machine-running");
        api.get(data, "Range", "bytes=0-511").expectProblem(409, "machine-running");
        api.post("/api/machines/" + machine + "/snapshots", body("name", "live")).expectProblem(409, "machine-running");
        api.post(exports, body("writable", true)).expectProblem(409, "machine-running");
        api.post(exports, body("writable", false)).expectProblem(409, "machine-running");

        long started = System.nanoTime();
        JsonNode stopped = api.postEmpty("/api/machines/" + machine + "/stop?timeoutSeconds=3").expect(200).json();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(stopped.path("state").asString()).isEqualTo("poweredOff");
        assertThat(stopped.path("lastExit").path("reason").asString()).isEqualTo("stoppedByHost");
        assertThat(stopped.path("lastExit").path("detail").asString()).contains("ignored the ACPI power button");
        DiskfleetClient.Reply tail = api.get("/api/machines/" + machine + "/console?tail=2").expect(200);
        assertThat(tail.header("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(tail.text()).isEqualTo(TestGuest.wroteLine(machine) + "\n" + TestGuest.stayingUpLine(machine) + "\n");
        // Powered off, the disk is the API's again: the guest's write is readable until the next start.
        api.get(data, "Range", "bytes=0-511").expect(206);
        assertThat(api.get("/api/host").json().path("runningGuests").findValuesAsString("machineId"))
                .doesNotContain(machine);
    }

    @Test
    void aVdiGuestBootsFromItsOwnExportOnTheOneNbdServerWhichIsNotTheUsers() {
        String golden = cloneTo(upload(Behaviour.STAY_UP, prefix + "-stayup-vdi"), "vdi", "immutable");
        String machine = api.post("/api/machines", body("name", prefix + "-vdi-export", "cpus", 1, "memoryMb", 256))
                .expect(201).json().path("id").asString();
        MACHINES.add(UUID.fromString(machine));
        String attachment = api.post("/api/machines/" + machine + "/attachments",
                body("imageId", golden, "port", 0, "device", 0)).expect(201).json().path("id").asString();
        String exports = "/api/machines/" + machine + "/attachments/" + attachment + "/exports";

        api.postEmpty("/api/machines/" + machine + "/start").expect(200);
        awaitConsole(machine, TestGuest.stayingUpLine(machine));

        List<JsonNode> own = exportsOf(machine);
        assertThat(own).hasSize(1);
        JsonNode guestExport = own.get(0);
        assertThat(guestExport.path("guest").asBoolean()).isTrue();
        assertThat(guestExport.path("writable").asBoolean()).isTrue();
        assertThat(guestExport.path("name").asString()).isEqualTo("guest-" + attachment);
        assertThat(Path.of(guestExport.path("socketPath").asString()).toAbsolutePath().normalize())
                .as("the one NBD server's socket").isEqualTo(storageRoot.toAbsolutePath().normalize().resolve("nbd.sock"));
        assertThat(guestExport.path("clients").asInt()).isEqualTo(1);
        assertThat(guestExport.path("bytesRead").asLong()).isPositive();

        // The guest's own export is not the user's: a user's writer is still refused, and the user cannot
        // close the guest's disk; reading the VDI chain through the same locks stays possible.
        api.post(exports, body("writable", true)).expectProblem(409, "machine-running");
        api.delete("/api/exports/" + guestExport.path("id").asString()).expectProblem(409, "export-guest-owned");
        String reader = api.post(exports, body("writable", false)).expect(201).json().path("id").asString();
        api.delete("/api/exports/" + reader).expect(204);

        api.postEmpty("/api/machines/" + machine + "/stop?force=true").expect(200);
        assertThat(exportsOf(machine)).as("exports of %s after its guest stopped", machine).isEmpty();
    }

    private List<JsonNode> exportsOf(String machine) {
        List<JsonNode> found = new ArrayList<>();
        api.get("/api/exports?size=500").expect(200).json().path("items").forEach(export -> {
            if (machine.equals(export.path("machineId").asString())) {
                found.add(export);
            }
        });
        return found;
    }

    @Test
    @Campaign // DatabaseGuestsTest runs the example with real database guests, DeployScriptTest its other paths
    void theDeployExampleBootsAFleetFromABootableGoldenAndShowsAutoresetOnTheGuestsConsoles() throws Exception {
        Path output = Files.createTempFile("deploy-guests", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "examples/deploy-db-fleet.sh").redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("DISKFLEET_URL", "http://localhost:" + port);
        builder.environment().put("GOLDEN", TestGuest.disk(Behaviour.POWER_OFF).toString());
        builder.environment().put("FLEET_SIZE", "2");
        builder.environment().put("DISKFLEET_TOKEN", DiskfleetClient.TEST_ADMIN_TOKEN);
        builder.environment().put("MACHINE_PREFIX", prefix + "script");
        Process process = builder.start();
        boolean finished = process.waitFor(BOOT.toSeconds() * 2, java.util.concurrent.TimeUnit.SECONDS);
        String log = Files.readString(output);
        Files.deleteIfExists(output);
        System.out.println(log);
        if (!finished) {
            process.destroyForcibly();
        }
        api.get("/api/machines?name=" + prefix + "script").json().path("items")
                .forEach(machine -> MACHINES.add(UUID.fromString(machine.path("id").asString())));

        assertThat(finished).as("the script finished; output:%n%s", log).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", log).isZero();
        assertThat(log).contains("deployed 2 machines").containsPattern("DISKFLEET-GUEST \\S+ wrote")
                .contains("found: " + TestGuest.GOLDEN_WRITER)
                .contains("autoreset: the write is gone").doesNotContain("FAILED");
    }

    @Test
    @Campaign // DatabaseGuestsTest boots a fleet of seeded Redis guests that name themselves, through the API
    void theExampleGoldenUploadedAsIsBootsAFleetWhoseMembersNameThemselvesFromTheirSeedsAndRunRedis()
            throws Exception {
        QemuTools.requireOnPath("Debian package genisoimage", "genisoimage");
        // The newcomer's golden: examples/golden/build-golden.sh golden.qcow2, uploaded as it is.
        String golden = upload(TestGuest.exampleGolden(), prefix + "-example");

        String operation = api.post("/api/fleets", body("name", prefix + "-db", "goldenImageId", golden, "size", 2,
                "machineNamePrefix", prefix + "db", "start", true,
                "cloudInit", body("metaData", Map.of("role", "cache")))).expect(202).header("Location").orElseThrow();
        JsonNode done = api.awaitOperation(operation);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        List<JsonNode> members = new ArrayList<>();
        api.get(done.path("resourceUrl").asString()).expect(200).json().path("machines").forEach(members::add);
        members.forEach(member -> MACHINES.add(UUID.fromString(member.path("machineId").asString())));
        assertThat(members).hasSize(2);

        for (JsonNode member : members) {
            String machine = member.path("machineId").asString();
            awaitConsole(machine, TestGuest.databaseBootsLine(machine, 1));
            assertThat(console(machine)).contains(
                    TestGuest.identityLine(machine, member.path("name").asString(), machine),
                    TestGuest.databaseReadyLine(machine));
        }

        // Without its seed a member boots all the same, nameless.
        String second = members.get(1).path("machineId").asString();
        api.postEmpty("/api/machines/" + second + "/stop?force=true").expect(200);
        api.patch("/api/machines/" + second, body("cloudInit", body("enabled", false))).expect(200);
        api.postEmpty("/api/machines/" + second + "/start").expect(200);
        awaitConsole(second, TestGuest.databaseReadyLine(second));
        assertThat(console(second)).noneMatch(line -> line.contains(" hostname "));
        for (JsonNode member : members) {
            api.postEmpty("/api/machines/" + member.path("machineId").asString() + "/stop?force=true").expect(200);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private String upload(Behaviour behaviour, String name) {
        return upload(TestGuest.disk(behaviour), name);
    }

    private String upload(Path disk, String name) {
        try {
            return api.upload("PUT", "/api/images/uploads?name=" + name + "&type=normal",
                    BodyPublishers.ofFile(disk)).expect(201).json().path("id").asString();
        } catch (java.io.FileNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private String cloneTo(String id, String format, String type) {
        String operation = api.post("/api/images/" + id + "/clone", body("name", prefix + "-" + format + "-" + type
                + "-" + id.substring(0, 8), "format", format, "type", type)).expect(202).header("Location").orElseThrow();
        JsonNode done = api.awaitOperation(operation);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        return api.get(done.path("resourceUrl").asString()).expect(200).json().path("id").asString();
    }

    private JsonNode awaitState(String machine, String state) {
        try {
            return Poll.until("machine " + machine + " " + state, BOOT,
                    () -> api.get("/api/machines/" + machine).expect(200).json(),
                    current -> current.path("state").asString().equals(state));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nconsole:\n" + String.join("\n", console(machine)), e);
        }
    }

    private void awaitConsole(String machine, String line) {
        try {
            Poll.until("'" + line + "' on the console of " + machine, BOOT, () -> console(machine).contains(line));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + String.join("\n", console(machine)), e);
        }
    }

    private List<String> console(String machine) {
        return api.get("/api/machines/" + machine + "/console?tail=200").expect(200).text().lines().toList();
    }

    static String sha256(Path file) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
