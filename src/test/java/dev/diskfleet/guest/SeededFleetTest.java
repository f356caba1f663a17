package dev.diskfleet.guest;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * A newcomer's path with real guests: the golden {@code examples/golden/build-golden.sh golden.qcow2} makes
 * (no options), uploaded through the API as is, deployed as a fleet under QEMU; each member names itself
 * from its own cloud-init seed and runs Redis on its own disk. Judge: each guest's console.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "diskfleet.hypervisor=qemu")
@ContextConfiguration(initializers = TemporaryDataDir.class)
class SeededFleetTest {

    static final Duration BOOT = Duration.ofSeconds(300);
    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();

    @LocalServerPort
    int port;

    private DiskfleetClient api;
    private final String prefix = "s" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void guestTools() {
        TestGuest.requireTools();
        QemuTools.requireOnPath("Debian package genisoimage", "genisoimage");
    }

    @BeforeEach
    void client() {
        api = new DiskfleetClient(port);
    }

    @AfterEach
    void powerOffWhatRuns() {
        for (UUID machine : MACHINES) {
            api.postEmpty("/api/machines/" + machine + "/stop?force=true");
        }
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() {
        List<Long> left = GuestProcesses.runningQemuOf(MACHINES);
        GuestProcesses.kill(left);
        assertThat(left).as("QEMU processes of this class still running").isEmpty();
    }

    @Test
    void theExampleGoldenBootsAFleetWhoseMembersNameThemselvesFromTheirSeedsAndRunRedis() throws Exception {
        String golden = upload(prefix + "-golden");

        String operation = api.post("/api/fleets", body("name", prefix, "goldenImageId", golden, "size", 2,
                "machineNamePrefix", prefix, "start", true, "cloudInit", body("metaData", Map.of("role", "cache"))))
                .expect(202).header("Location").orElseThrow();
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
    }

    private String upload(String name) {
        try {
            return api.upload("PUT", "/api/images/uploads?name=" + name + "&type=normal",
                    BodyPublishers.ofFile(TestGuest.exampleGolden())).expect(201).json().path("id").asString();
        } catch (FileNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitConsole(String machine, String line) throws InterruptedException {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() < deadline) {
            if (console(machine).contains(line)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + line + "' on the console of " + machine + " within " + BOOT + ":\n"
                + String.join("\n", console(machine)) + "\nmachine: " + api.get("/api/machines/" + machine).text());
    }

    private List<String> console(String machine) {
        return api.get("/api/machines/" + machine + "/console?tail=200").expect(200).text().lines().toList();
    }
}
