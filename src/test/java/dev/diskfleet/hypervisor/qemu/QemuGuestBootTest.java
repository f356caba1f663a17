package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.support.Campaign;
import dev.diskfleet.support.GuestTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.hypervisor.ExitReason;
import dev.diskfleet.hypervisor.GuestDisk;
import dev.diskfleet.hypervisor.GuestExit;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.GuestState;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.HypervisorException;
import dev.diskfleet.hypervisor.DiskFormat;
import dev.diskfleet.hypervisor.RunDirectory;
import dev.diskfleet.hypervisor.StopOutcome;
import dev.diskfleet.hypervisor.seed.NoCloudSeed;
import dev.diskfleet.hypervisor.seed.SeedImageTool;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.Progress;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TestGuest;
import dev.diskfleet.support.TestGuest.Behaviour;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real boots of the test guest ({@link TestGuest}) under QEMU, from qcow2 differencing disks the storage
 * engine made, as the service makes them; the database guest with a cloud-init seed names itself from it and
 * its Redis (asked by {@code redis-cli} inside the guest) counts boots on its own disk. Judges: the guest's
 * own console lines, QEMU's exit events,
 * SHA-256 of the golden file, {@code qemu-img check} of the overlays, and /proc for leftover processes.
 */
@GuestTest
class QemuGuestBootTest {

    /** Under TCG a boot takes about 7 s on a quiet machine; this leaves room for a loaded one. */
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();

    private static final Map<Behaviour, UUID> GOLDENS = new EnumMap<>(Behaviour.class);

    private static QemuHost host;

    /** The goldens (one per guest behaviour) and every machine's overlay on them, as one store holds them. */
    @TempDir
    static Path images;

    @TempDir
    Path data;

    private final List<Hypervisor> drivers = new ArrayList<>();
    private final BlockingQueue<GuestExit> exits = new LinkedBlockingQueue<>();

    @BeforeAll
    static void detectQemuAndBuildTools() {
        host = DetectedQemu.host();
        TestGuest.requireTools();
    }

    @AfterEach
    void stopWhatRemains() {
        for (Hypervisor driver : drivers) {
            for (UUID machine : driver.runningGuests()) {
                driver.forceStop(machine);
            }
            driver.close();
        }
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() throws IOException {
        assertThat(runningQemuOf(MACHINES)).as("QEMU processes of this class still running").isEmpty();
    }

    @Test
    @Campaign // RealGuestsTest boots four fleet guests from qcow2 and VDI goldens the same way, through the API
    void guestsBootFromTheirOwnOverlaysWriteThereAndPowerOffWhileTheGoldenStaysUnchanged() throws Exception {
        UUID golden = golden(Behaviour.POWER_OFF);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.createDifferencing(List.of(first, second), golden);
        }
        Path goldenFile = images.resolve(golden + ".qcow2");
        String goldenSha = sha256(goldenFile);
        Hypervisor driver = driver();

        // Two guests boot at once from one golden, each writing only into its own overlay.
        bootAndAwaitPowerOff(driver, first, second);
        for (UUID machine : List.of(first, second)) {
            assertThat(console(driver, machine)).contains(
                    TestGuest.foundLine(machine.toString(), TestGuest.GOLDEN_WRITER),
                    TestGuest.wroteLine(machine.toString()));
            QemuTools.assertCheckClean(images.resolve(machine + ".qcow2"));
        }
        assertThat(sha256(goldenFile)).as("the golden's SHA-256 after its guests wrote").isEqualTo(goldenSha);

        // The second boot: one overlay kept (autoReset false), the other emptied as autoreset does.
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.reset(second);
        }
        bootAndAwaitPowerOff(driver, first, second);
        // The console holds this boot only: the first boot's lines are gone.
        assertThat(console(driver, first)).contains(TestGuest.foundLine(first.toString(), first.toString()))
                .doesNotContain(TestGuest.foundLine(first.toString(), TestGuest.GOLDEN_WRITER));
        assertThat(console(driver, second)).contains(
                TestGuest.foundLine(second.toString(), TestGuest.GOLDEN_WRITER))
                .doesNotContain(TestGuest.foundLine(second.toString(), second.toString()));
        assertThat(sha256(goldenFile)).isEqualTo(goldenSha);
    }

    @Test
    @Campaign // RealGuestsTest stops an ACPI-ignoring guest through the API; QemuHypervisorContractTest the driver
    void aGracefulStopOfAGuestThatIgnoresAcpiFallsBackToAHardStopAfterTheTimeout() throws Exception {
        UUID machine = UUID.randomUUID();
        Path disk = stayUpDisk(machine);
        Hypervisor driver = driver();
        driver.start(spec(machine, disk));
        awaitConsole(driver, machine, TestGuest.stayingUpLine(machine.toString()));

        long started = System.nanoTime();
        StopOutcome outcome = driver.stop(machine, Duration.ofSeconds(3));

        assertThat(outcome).isEqualTo(StopOutcome.HARD_AFTER_TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(driver.state(machine)).isEqualTo(GuestState.STOPPED);
        GuestExit exit = exits.poll(10, TimeUnit.SECONDS);
        assertThat(exit.reason()).isEqualTo(ExitReason.STOPPED_BY_HOST);
        assertThat(exit.lastConsoleLines()).endsWith(TestGuest.stayingUpLine(machine.toString()));
        // The console of the last boot stays readable after the guest is gone.
        assertThat(driver.consoleTail(runDirectory(machine), 2)).containsExactly(
                TestGuest.wroteLine(machine.toString()), TestGuest.stayingUpLine(machine.toString()));
    }

    @Test
    @Campaign // QemuHypervisorContractTest and GuestAdoptionTest adopt guests after a kill -9
    void aRestartedServiceAdoptsARunningGuestAndStopsItWithForce() throws Exception {
        UUID machine = UUID.randomUUID();
        Path disk = stayUpDisk(machine);
        Hypervisor before = driver();
        before.start(spec(machine, disk));
        awaitConsole(before, machine, TestGuest.stayingUpLine(machine.toString()));
        QemuProcess process = QemuProcess.fromPidFile(new RunDirectory(runDirectory(machine)).pidFile())
                .orElseThrow();

        before.close(); // the service stops; its guest must not
        assertThat(process.alive()).as("QEMU outlives the driver that started it").isTrue();

        Hypervisor after = driver();
        assertThat(after.adopt(machine, runDirectory(machine))).isTrue();
        assertThat(after.state(machine)).isEqualTo(GuestState.RUNNING);
        assertThat(after.forceStop(machine)).isEqualTo(StopOutcome.HARD);
        assertThat(process.alive()).isFalse();
        assertThat(driver().adopt(machine, runDirectory(machine))).as("a gone guest is not adopted").isFalse();
    }

    @Test
    @Campaign // RealGuestsTest boots a VDI guest from the service's own NBD export
    void aGuestBootsFromAnNbdExportAndWritesThroughIt() throws Exception {
        QemuTools.require("qemu-nbd");
        UUID machine = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.createDifferencing(machine, golden(Behaviour.POWER_OFF));
        }
        Path overlay = images.resolve(machine + ".qcow2");
        long freshSize = Files.size(overlay);
        Path socket = data.resolve("nbd.sock");
        // qemu-nbd stands in for our own NBD server (a VDI chain's export) here.
        Process server = new ProcessBuilder("qemu-nbd", "--socket=" + socket, "--format=qcow2",
                "--export-name=" + machine, "--persistent", overlay.toString())
                .redirectErrorStream(true).redirectOutput(data.resolve("qemu-nbd.log").toFile()).start();
        try {
            awaitFile(socket);
            Hypervisor driver = driver();
            driver.start(new GuestSpec(machine, "nbd-guest", 1, 256,
                    List.of(new GuestDisk.NbdExport(socket, machine.toString(), 10, false)), runDirectory(machine)));
            MACHINES.add(machine);

            GuestExit exit = exits.poll(BOOT.toSeconds(), TimeUnit.SECONDS);

            assertThat(exit).as("the NBD guest powered off within %s", BOOT).isNotNull();
            assertThat(exit.reason()).isEqualTo(ExitReason.GUEST_POWERED_OFF);
            assertThat(console(driver, machine)).contains(
                    TestGuest.foundLine(machine.toString(), TestGuest.GOLDEN_WRITER),
                    TestGuest.wroteLine(machine.toString()));
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        QemuTools.assertCheckClean(overlay);
        assertThat(Files.size(overlay)).as("the guest's write reached the overlay behind the export")
                .isGreaterThan(freshSize);
    }

    @Test
    @Campaign // DatabaseGuestsTest boots seeded database guests and power-cycles them with and without autoreset
    void aSeededGuestKnowsItsNameAndIdAndItsDatabaseKeepsWhatItWroteUntilTheDiskIsReset() throws Exception {
        QemuTools.requireOnPath("Debian package genisoimage", "genisoimage");
        UUID machine = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.createDifferencing(machine, golden(Behaviour.DATABASE));
        }
        Hypervisor driver = driver();
        String serial = machine.toString();
        GuestSpec spec = seeded(spec(machine, images.resolve(machine + ".qcow2")));

        driver.start(spec);
        awaitConsole(driver, machine, TestGuest.databaseBootsLine(serial, 1));
        assertThat(console(driver, machine)).contains(TestGuest.identityLine(serial, spec.name(), serial),
                TestGuest.databaseReadyLine(serial));

        // Pulling the plug: Redis fsyncs each write, so the count it wrote is on the overlay.
        assertThat(new RunDirectory(runDirectory(machine)).seedImage()).as("the seed while the guest runs").exists();
        assertThat(driver.forceStop(machine)).isEqualTo(StopOutcome.HARD);
        assertThat(new RunDirectory(runDirectory(machine)).seedImage()).as("the seed after the guest").doesNotExist();
        driver.start(spec);
        awaitConsole(driver, machine, TestGuest.databaseBootsLine(serial, 2));

        // What autoreset does before a power-on: the guest's database starts from the golden's again.
        driver.forceStop(machine);
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.reset(machine);
        }
        driver.start(spec);
        awaitConsole(driver, machine, TestGuest.databaseBootsLine(serial, 1));
    }

    @Test
    @Campaign // SeedImageToolTest checks the error that names what to install, without a guest
    void withoutASeedToolASeededStartFailsSayingWhatToInstallAndLeavesNoQemu() throws Exception {
        UUID machine = UUID.randomUUID();
        Path disk = stayUpDisk(machine);
        Hypervisor driver = new QemuHypervisor(host, SeedImageTool.missing());
        drivers.add(driver);

        assertThatThrownBy(() -> driver.start(seeded(spec(machine, disk))))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("genisoimage");

        assertThat(driver.runningGuests()).isEmpty();
        assertThat(runningQemuOf(Set.of(machine))).isEmpty();
        RunDirectory dir = new RunDirectory(runDirectory(machine));
        assertThat(dir.pidFile()).doesNotExist();
        assertThat(dir.seedImage()).doesNotExist();
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private Hypervisor driver() {
        Hypervisor driver = new QemuHypervisor(host);
        driver.addExitListener(exits::add);
        drivers.add(driver);
        return driver;
    }

    private void bootAndAwaitPowerOff(Hypervisor driver, UUID... machines) throws Exception {
        for (UUID machine : machines) {
            driver.start(spec(machine, images.resolve(machine + ".qcow2")));
        }
        Map<UUID, GuestExit> ended = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (ended.size() < machines.length && System.nanoTime() < deadline) {
            GuestExit exit = exits.poll(1, TimeUnit.SECONDS);
            if (exit != null) {
                ended.put(exit.machineId(), exit);
            }
        }
        for (UUID machine : machines) {
            assertThat(ended).as("guest %s powered off within %s", machine, BOOT).containsKey(machine);
            assertThat(ended.get(machine).reason()).as("%s", ended.get(machine))
                    .isEqualTo(ExitReason.GUEST_POWERED_OFF);
            assertThat(driver.state(machine)).isEqualTo(GuestState.STOPPED);
        }
    }

    private Path stayUpDisk(UUID machine) {
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.createDifferencing(machine, golden(Behaviour.STAY_UP));
        }
        return images.resolve(machine + ".qcow2");
    }

    /**
     * The test guest's raw disk imported and cloned into a qcow2 base, as a fleet's base is made; once per
     * behaviour for the class.
     */
    private static synchronized UUID golden(Behaviour behaviour) {
        return GOLDENS.computeIfAbsent(behaviour, b -> {
            UUID raw = UUID.randomUUID();
            UUID golden = UUID.randomUUID();
            try (ImageStore store = ImageStore.withDefaultFormats(images);
                    InputStream in = Files.newInputStream(TestGuest.disk(b))) {
                store.importImage(raw, in);
                store.clone(raw, golden, "qcow2", Variant.DYNAMIC, Progress.NONE);
                store.delete(raw);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return golden;
        });
    }

    private GuestSpec spec(UUID machine, Path overlay) {
        MACHINES.add(machine);
        return new GuestSpec(machine, "boot-" + machine.toString().substring(0, 8), 1, 256,
                List.of(new GuestDisk.ImageFile(overlay, DiskFormat.QCOW2, false)), runDirectory(machine));
    }

    /** The spec with a seed that names the guest by its spec's name and id. */
    private static GuestSpec seeded(GuestSpec spec) {
        return new GuestSpec(spec.machineId(), spec.name(), spec.cpus(), spec.memoryMb(), spec.disks(),
                spec.runDirectory(), new NoCloudSeed(spec.machineId().toString(), spec.name(), Map.of(), null, null));
    }

    private Path runDirectory(UUID machine) {
        return data.resolve("run").resolve(machine.toString().substring(0, 8));
    }

    private List<String> console(Hypervisor driver, UUID machine) {
        return driver.consoleTail(runDirectory(machine), 50);
    }

    private void awaitConsole(Hypervisor driver, UUID machine, String line) throws InterruptedException {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() < deadline) {
            if (console(driver, machine).contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' on the console within " + BOOT + ":\n"
                + String.join("\n", console(driver, machine)));
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            Thread.sleep(50);
        }
        assertThat(file).exists();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Live (not zombie) qemu-system processes whose command line names one of {@code machines}. */
    static List<Long> runningQemuOf(Set<UUID> machines) throws IOException {
        List<Long> found = new ArrayList<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                QemuProcess process = new QemuProcess(Long.parseLong(name));
                if (process.alive() && machines.stream().anyMatch(process::runsGuestOf)) {
                    found.add(process.pid());
                }
            }
        }
        return found;
    }
}
