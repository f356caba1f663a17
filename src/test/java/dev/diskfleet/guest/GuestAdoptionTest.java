package dev.diskfleet.guest;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A guest outlives a SIGKILL of its service: the next service, started on the same data folder, adopts it
 * (pid and monitor socket from the machine's run directory, identity checked) and can stop it; a machine
 * whose QEMU died with the service is found powered off. Each service is a JVM of its own.
 */
class GuestAdoptionTest {

    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();
    private static Path data;

    @BeforeAll
    static void guestTools() {
        TestGuest.requireTools();
        // Short: the monitor sockets of the guests live under it.
        data = TemporaryDataDir.create("df-adopt-");
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() {
        List<Long> left = GuestProcesses.runningQemuOf(MACHINES);
        GuestProcesses.kill(left);
        TemporaryDataDir.deleteTree(data);
        assertThat(left).as("QEMU processes of this class still running").isEmpty();
    }

    @Test
    void aRunningGuestSurvivesKillMinusNineOfTheServiceAndIsAdoptedThenStoppedWithForce() throws Exception {
        String machine;
        String vdiMachine;
        ServiceProcess first = ServiceProcess.start(data, 1, "--diskfleet.hypervisor=qemu");
        try {
            DiskfleetClient api = first.api();
            String raw = api.upload("PUT", "/api/images/uploads?name=stayup&type=normal",
                    BodyPublishers.ofFile(TestGuest.disk(Behaviour.STAY_UP))).expect(201).json().path("id").asString();
            String operation = api.post("/api/images/" + raw + "/clone", body("name", "stayup-base", "format", "qcow2",
                    "type", "immutable")).expect(202).header("Location").orElseThrow();
            String golden = api.get(api.awaitOperation(operation).path("resourceUrl").asString()).expect(200).json()
                    .path("id").asString();
            String vdiOperation = api.post("/api/images/" + raw + "/clone", body("name", "stayup-vdi", "format", "vdi",
                    "type", "immutable")).expect(202).header("Location").orElseThrow();
            String vdiGolden = api.get(api.awaitOperation(vdiOperation).path("resourceUrl").asString()).expect(200)
                    .json().path("id").asString();
            machine = newMachine(api, "survivor", golden);
            vdiMachine = newMachine(api, "survivor-vdi", vdiGolden);
            api.postEmpty("/api/machines/" + machine + "/start").expect(200);
            api.postEmpty("/api/machines/" + vdiMachine + "/start").expect(200);
            awaitConsole(api, machine, TestGuest.stayingUpLine(machine));
            awaitConsole(api, vdiMachine, TestGuest.stayingUpLine(vdiMachine));
        } finally {
            first.kill();
        }
        assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(machine))))
                .as("the guest's QEMU outlives a SIGKILL of its service").hasSize(1);

        String gone;
        ServiceProcess second = ServiceProcess.start(data, 2, "--diskfleet.hypervisor=qemu");
        try {
            DiskfleetClient api = second.api();
            assertThat(api.get("/api/machines/" + machine).expect(200).json().path("state").asString())
                    .isEqualTo("running");
            assertThat(api.get("/api/host").json().path("runningGuests").findValuesAsString("machineId"))
                    .contains(machine);
            assertThat(api.get("/api/machines/" + machine + "/console?tail=1").expect(200).text())
                    .isEqualTo(TestGuest.stayingUpLine(machine) + "\n");

            // The VDI guest's disk is exported again under the name its QEMU knows. (Its NBD client reconnects
            // lazily, on the guest's next disk request; this idle test guest makes none, so no client is awaited.)
            String vdiAttachment = api.get("/api/machines/" + vdiMachine).expect(200).json().path("attachments").get(0)
                    .path("id").asString();
            JsonNode reexported = exportNamed(api, "guest-" + vdiAttachment);
            assertThat(reexported.path("guest").asBoolean()).isTrue();
            assertThat(reexported.path("machineId").asString()).isEqualTo(vdiMachine);
            api.postEmpty("/api/machines/" + vdiMachine + "/stop?force=true").expect(200);
            assertThat(api.get("/api/exports?size=500").json().path("items").findValuesAsString("name"))
                    .doesNotContain("guest-" + vdiAttachment);

            JsonNode stopped = api.postEmpty("/api/machines/" + machine + "/stop?force=true").expect(200).json();

            assertThat(stopped.path("state").asString()).isEqualTo("poweredOff");
            assertThat(stopped.path("lastExit").path("detail").asString()).contains("force");
            assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(machine)))).isEmpty();

            // A second machine starts, and then its QEMU dies together with the service.
            String base = api.get("/api/machines/" + machine).json().path("attachments").get(0).path("imageId")
                    .asString();
            gone = newMachine(api, "gone", base);
            api.postEmpty("/api/machines/" + gone + "/start").expect(200);
        } finally {
            second.kill();
        }
        GuestProcesses.kill(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(gone))));

        try (ServiceProcess third = ServiceProcess.start(data, 3, "--diskfleet.hypervisor=qemu")) {
            JsonNode found = third.api().get("/api/machines/" + gone).expect(200).json();
            assertThat(found.path("state").asString()).isEqualTo("poweredOff");
            assertThat(found.path("lastExit").path("reason").asString()).isEqualTo("goneWhileServiceWasDown");
            assertThat(third.api().get("/api/machines/" + machine).json().path("state").asString())
                    .isEqualTo("poweredOff");
        }
    }

    /** The export named {@code name}, which must be listed. */
    private static JsonNode exportNamed(DiskfleetClient api, String name) {
        for (JsonNode export : api.get("/api/exports?size=500").expect(200).json().path("items")) {
            if (name.equals(export.path("name").asString())) {
                return export;
            }
        }
        throw new AssertionError("no export " + name + " after the restart");
    }

    private static String newMachine(DiskfleetClient api, String name, String image) {
        String machine = api.post("/api/machines", body("name", name, "cpus", 1, "memoryMb", 256)).expect(201).json()
                .path("id").asString();
        MACHINES.add(UUID.fromString(machine));
        api.post("/api/machines/" + machine + "/attachments", body("imageId", image, "port", 0, "device", 0))
                .expect(201);
        return machine;
    }

    private static void awaitConsole(DiskfleetClient api, String machine, String line) throws InterruptedException {
        long deadline = System.nanoTime() + RealGuestsTest.BOOT.toNanos();
        String console = "";
        while (System.nanoTime() < deadline) {
            console = api.get("/api/machines/" + machine + "/console?tail=50").expect(200).text();
            if (console.lines().anyMatch(line::equals)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + line + "' on the console of " + machine + ":\n" + console);
    }
}
