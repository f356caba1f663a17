package dev.diskfleet.guest;

import dev.diskfleet.support.Poll;
import dev.diskfleet.support.ServiceProcess;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.hypervisor.ConsoleTail;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.GuestTest;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two hostile guests flood their consoles, one with an endless line and one with lines, while the service
 * runs in a 256 MiB heap: their logs stay within the console-log size, every tail answers, the service is
 * killed and its successor adopts both (adoption reads only a bounded tail), and both stop on request.
 */
@GuestTest
class ConsoleFloodGuestTest {

    private static final long LOG_SIZE = 256 * 1024;
    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();
    private static Path data;

    @BeforeAll
    static void guestTools() {
        TestGuest.requireTools();
        data = TemporaryDataDir.create("df-flood-");
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() {
        List<Long> left = GuestProcesses.runningQemuOf(MACHINES);
        GuestProcesses.kill(left);
        TemporaryDataDir.deleteTree(data);
        assertThat(left).as("QEMU processes of this class still running").isEmpty();
    }

    @Test
    void floodingGuestsNeitherFillTheDiskNorTakeTheServiceDownAcrossARestart() throws Exception {
        String[] settings = {"-Xmx256m", "--diskfleet.hypervisor=qemu", "--diskfleet.hypervisor.console-log-size=256KB"};
        String endless;
        String lines;
        ServiceProcess first = ServiceProcess.on(data).number(1).settings(settings).start();
        try {
            DiskfleetClient api = first.api();
            endless = machine(api, "endless", upload(api, "flood-bytes", Behaviour.FLOOD_BYTES));
            lines = machine(api, "lines", upload(api, "flood-lines", Behaviour.FLOOD_LINES));
            api.postEmpty("/api/machines/" + endless + "/start").expect(200);
            api.postEmpty("/api/machines/" + lines + "/start").expect(200);
            awaitRotation(endless);
            awaitRotation(lines);

            assertBounded(endless);
            assertBounded(lines);
            assertThat(tail(api, lines)).anyMatch(line -> line.equals("DISKFLEET-FLOOD a line of a guest that floods its console"));
            assertThat(tail(api, endless)).last().asString().hasSizeLessThanOrEqualTo(ConsoleTail.MAX_LINE_CHARS + 2);
        } finally {
            first.kill();
        }

        try (ServiceProcess second = ServiceProcess.on(data).number(2).settings(settings).start()) {
            DiskfleetClient api = second.api();
            for (String machine : List.of(endless, lines)) {
                assertThat(api.get("/api/machines/" + machine).expect(200).json().path("state").asString())
                        .as("machine %s after the restart", machine).isEqualTo("running");
                assertThat(tail(api, machine)).isNotEmpty();
                // While no service ran, nothing rotated the log; the next one bounds it again at its first rounds.
                Poll.until("the console log of " + machine + " bounded again", Duration.ofSeconds(60),
                        () -> keptBytes(machine) < LOG_SIZE + (4L << 20));
                assertBounded(machine);
                assertThat(api.postEmpty("/api/machines/" + machine + "/stop?force=true").expect(200).json()
                        .path("state").asString()).isEqualTo("poweredOff");
            }
        }
    }

    private static void awaitRotation(String machine) {
        Path rotated = log(machine).resolveSibling("console.log.1");
        Poll.until("the flooded log of " + machine + " rotated", RealGuestsTest.BOOT, () -> Files.exists(rotated));
    }

    private static void assertBounded(String machine) {
        // what the guest writes between two checks (a second) comes on top of the size
        assertThat(keptBytes(machine)).as("bytes of console output kept for %s", machine)
                .isLessThan(LOG_SIZE + (4L << 20));
    }

    private static long keptBytes(String machine) {
        Path log = log(machine);
        try {
            return Files.size(log) + Files.size(log.resolveSibling("console.log.1"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> tail(DiskfleetClient api, String machine) {
        List<String> tail = List.of(api.get("/api/machines/" + machine + "/console?tail=50").expect(200).text()
                .split("\n"));
        assertThat(tail).hasSizeLessThanOrEqualTo(50)
                .allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(ConsoleTail.MAX_LINE_CHARS + 2));
        return tail;
    }

    private static Path log(String machine) {
        return data.resolve("guests").resolve(machine).resolve("console.log");
    }

    private static String upload(DiskfleetClient api, String name, Behaviour behaviour) throws IOException {
        return api.upload("PUT", "/api/images/uploads?name=" + name + "&type=normal",
                BodyPublishers.ofFile(TestGuest.disk(behaviour))).expect(201).json().path("id").asString();
    }

    private static String machine(DiskfleetClient api, String name, String image) {
        String machine = api.post("/api/machines", body("name", name, "cpus", 1, "memoryMb", 256,
                "cloudInit", body("enabled", false))).expect(201).json().path("id").asString();
        MACHINES.add(UUID.fromString(machine));
        api.post("/api/machines/" + machine + "/attachments", body("imageId", image, "port", 0, "device", 0))
                .expect(201);
        return machine;
    }
}
