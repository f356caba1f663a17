package dev.diskfleet.guest;

import dev.diskfleet.support.Campaign;

import dev.diskfleet.support.Poll;
import dev.diskfleet.support.ServiceProcess;

import dev.diskfleet.support.GuestTest;
import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A guest outlives a SIGKILL of its service: the next service, started on the same data folder, adopts it
 * (pid and monitor socket from the machine's run directory, identity checked) and can stop it; a VDI
 * guest's disk I/O waits for the next service's NBD server and goes on through it; a machine whose QEMU died
 * with the service is found powered off. A clean shutdown leaves guests running, or stops them when
 * {@code diskfleet.hypervisor.stop-guests-on-shutdown=true}. Each service is a JVM of its own.
 */
@GuestTest
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
    void runningGuestsSurviveKillMinusNineOfTheServiceAreAdoptedAndVdiDiskIoGoesOnThroughTheNextService() throws Exception {
        String machine;
        String vdiMachine;
        ServiceProcess first = ServiceProcess.on(data).number(1).settings("--diskfleet.hypervisor=qemu").start();
        try {
            DiskfleetClient api = first.api();
            String golden = immutableClone(api, upload(api, "stayup", Behaviour.STAY_UP), "stayup-base", "qcow2");
            String vdiGolden = immutableClone(api, upload(api, "ticking", Behaviour.TICKING), "ticking-vdi", "vdi");
            machine = newMachine(api, "survivor", golden);
            vdiMachine = newMachine(api, "survivor-vdi", vdiGolden);
            api.postEmpty("/api/machines/" + machine + "/start").expect(200);
            api.postEmpty("/api/machines/" + vdiMachine + "/start").expect(200);
            awaitConsole(api, machine, TestGuest.stayingUpLine(machine));
            awaitTick(api, vdiMachine, 3);
        } finally {
            first.kill();
        }
        assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(machine), UUID.fromString(vdiMachine))))
                .as("the guests' QEMUs outlive a SIGKILL of their service").hasSize(2);
        // With the NBD server gone the VDI guest's disk I/O waits (QEMU's reconnect-delay): its ticks stop,
        // none fails. Read from its console log itself: no service is there to ask.
        Path vdiConsole = data.resolve("guests").resolve(vdiMachine).resolve("console.log");
        Thread.sleep(2_000);
        long lastTickBeforeRestart = highestTick(Files.readString(vdiConsole), vdiMachine);
        Thread.sleep(3_000);
        assertThat(highestTick(Files.readString(vdiConsole), vdiMachine))
                .as("ticks while no NBD server serves the guest's disk").isEqualTo(lastTickBeforeRestart);

        String gone;
        ServiceProcess second = ServiceProcess.on(data).number(2).settings("--diskfleet.hypervisor=qemu").start();
        try {
            DiskfleetClient api = second.api();
            assertThat(api.get("/api/machines/" + machine).expect(200).json().path("state").asString())
                    .isEqualTo("running");
            assertThat(api.get("/api/host").json().path("runningGuests").findValuesAsString("machineId"))
                    .contains(machine);
            assertThat(api.get("/api/machines/" + machine + "/console?tail=1").expect(200).text())
                    .isEqualTo(TestGuest.stayingUpLine(machine) + "\n");

            // The VDI guest's disk is exported again under the name its QEMU knows, its NBD client reconnects
            // (at the guest's next disk request, which the ticks make) and its I/O goes on where it stopped.
            assertThat(api.get("/api/machines/" + vdiMachine).expect(200).json().path("state").asString())
                    .isEqualTo("running");
            String vdiAttachment = api.get("/api/machines/" + vdiMachine).expect(200).json().path("attachments").get(0)
                    .path("id").asString();
            JsonNode reexported = exportNamed(api, "guest-" + vdiAttachment);
            assertThat(reexported.path("guest").asBoolean()).isTrue();
            assertThat(reexported.path("machineId").asString()).isEqualTo(vdiMachine);
            assertThat(awaitClients(api, "guest-" + vdiAttachment)).isGreaterThanOrEqualTo(1);
            long lastTickAfterRestart = awaitTick(api, vdiMachine, lastTickBeforeRestart + 2);
            String console = Files.readString(vdiConsole);
            assertThat(console.lines().filter(line -> line.contains(" tick ") && !line.endsWith(" ok")))
                    .as("failed ticks").isEmpty();
            assertThat(console).as("the guest kernel's view of its disk").doesNotContain("I/O error");

            api.postEmpty("/api/machines/" + vdiMachine + "/stop?force=true").expect(200);
            assertThat(api.get("/api/exports?size=500").json().path("items").findValuesAsString("name"))
                    .doesNotContain("guest-" + vdiAttachment);
            // What the guest wrote through the second service is in the machine's own disk.
            byte[] disk = api.get("/api/machines/" + vdiMachine + "/attachments/" + vdiAttachment + "/data")
                    .expect(200).bytes();
            assertThat(highestTickOnDisk(disk)).isGreaterThanOrEqualTo(lastTickAfterRestart);

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

        try (ServiceProcess third = ServiceProcess.on(data).number(3).settings("--diskfleet.hypervisor=qemu").start()) {
            JsonNode found = third.api().get("/api/machines/" + gone).expect(200).json();
            assertThat(found.path("state").asString()).isEqualTo("poweredOff");
            assertThat(found.path("lastExit").path("reason").asString()).isEqualTo("goneWhileServiceWasDown");
            assertThat(third.api().get("/api/machines/" + machine).json().path("state").asString())
                    .isEqualTo("poweredOff");
        }
    }

    @Test
    @Campaign // StopSignalsTest stops the service in order on SIGTERM; the test above adopts running guests after a kill
    void aCleanShutdownLeavesTheGuestsRunningUnlessTheServiceIsToldToStopThem() throws Exception {
        Path shutdownData = TemporaryDataDir.create("df-shut-");
        try {
            String machine;
            boolean exited;
            ServiceProcess keeping = ServiceProcess.on(shutdownData).number(1).settings("--diskfleet.hypervisor=qemu").start();
            try {
                DiskfleetClient api = keeping.api();
                machine = newMachine(api, "shutdown", upload(api, "shutdown", Behaviour.STAY_UP));
                api.postEmpty("/api/machines/" + machine + "/start").expect(200);
            } finally {
                exited = keeping.terminate();
            }
            assertThat(exited).as("the service exits after SIGTERM").isTrue();
            Set<UUID> ours = Set.of(UUID.fromString(machine));
            assertThat(GuestProcesses.runningQemuOf(ours)).as("QEMU after a clean shutdown by default").hasSize(1);

            ServiceProcess stopping = ServiceProcess.on(shutdownData).number(2).settings("--diskfleet.hypervisor=qemu",
                    "--diskfleet.hypervisor.stop-guests-on-shutdown=true").start();
            try {
                assertThat(stopping.api().get("/api/machines/" + machine).expect(200).json().path("state")
                        .asString()).as("adopted after a clean shutdown").isEqualTo("running");
            } finally {
                exited = stopping.terminate();
            }
            assertThat(exited).as("the service exits after SIGTERM").isTrue();
            assertThat(GuestProcesses.runningQemuOf(ours))
                    .as("QEMU after a clean shutdown with stop-guests-on-shutdown=true").isEmpty();

            try (ServiceProcess next = ServiceProcess.on(shutdownData).number(3).settings("--diskfleet.hypervisor=qemu").start()) {
                JsonNode found = next.api().get("/api/machines/" + machine).expect(200).json();
                assertThat(found.path("state").asString()).isEqualTo("poweredOff");
                assertThat(found.path("lastExit").path("reason").asString()).isEqualTo("stoppedByHost");
            }
        } finally {
            TemporaryDataDir.deleteTree(shutdownData);
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

    /** The test guest's raw disk uploaded as a normal image; returns its id. */
    private static String upload(DiskfleetClient api, String name, Behaviour behaviour) throws IOException {
        return api.upload("PUT", "/api/images/uploads?name=" + name + "&type=normal",
                BodyPublishers.ofFile(TestGuest.disk(behaviour))).expect(201).json().path("id").asString();
    }

    private static String immutableClone(DiskfleetClient api, String image, String name, String format) {
        String operation = api.post("/api/images/" + image + "/clone", body("name", name, "format", format,
                "type", "immutable")).expect(202).header("Location").orElseThrow();
        return api.get(api.awaitOperation(operation).path("resourceUrl").asString()).expect(200).json().path("id")
                .asString();
    }

    private static String newMachine(DiskfleetClient api, String name, String image) {
        String machine = api.post("/api/machines", body("name", name, "cpus", 1, "memoryMb", 256)).expect(201).json()
                .path("id").asString();
        MACHINES.add(UUID.fromString(machine));
        api.post("/api/machines/" + machine + "/attachments", body("imageId", image, "port", 0, "device", 0))
                .expect(201);
        return machine;
    }

    /** Waits until the export has a client; returns how many it has then. */
    private static int awaitClients(DiskfleetClient api, String export) {
        return Poll.until("a client of " + export, RealGuestsTest.BOOT,
                () -> exportNamed(api, export).path("clients").asInt(), clients -> clients > 0);
    }

    /** Waits until the ticking guest's console shows tick {@code atLeast} or a later one ok; returns the highest. */
    private static long awaitTick(DiskfleetClient api, String machine, long atLeast) {
        String console = Poll.until("tick " + atLeast + " ok on the console of " + machine, RealGuestsTest.BOOT,
                () -> api.get("/api/machines/" + machine + "/console?tail=50").expect(200).text(),
                text -> highestTick(text, machine) >= atLeast);
        return highestTick(console, machine);
    }

    /** The highest tick the console shows ok; 0 if none. */
    private static long highestTick(String console, String machine) {
        Pattern ticks = TestGuest.tickLines(machine);
        return console.lines().map(ticks::matcher).filter(Matcher::matches).filter(m -> m.group(2).equals("ok"))
                .mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(0);
    }

    /** The highest tick number written on the disk; 0 if none. */
    private static long highestTickOnDisk(byte[] disk) {
        Matcher ticks = TestGuest.TICK_ON_DISK.matcher(new String(disk, StandardCharsets.ISO_8859_1));
        long highest = 0;
        while (ticks.find()) {
            highest = Math.max(highest, Long.parseLong(ticks.group(1)));
        }
        return highest;
    }

    private static void awaitConsole(DiskfleetClient api, String machine, String line) {
        Poll.until("'" + line + "' on the console of " + machine, RealGuestsTest.BOOT,
                () -> api.get("/api/machines/" + machine + "/console?tail=50").expect(200).text(),
                console -> console.lines().anyMatch(line::equals));
    }
}
