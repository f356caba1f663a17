package dev.diskfleet.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.hypervisor.DiskFormat;
import dev.diskfleet.hypervisor.GuestDisk;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.HypervisorException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database test guest ({@link Behaviour#DATABASE}) booted by the qemu driver with a cloud-init seed:
 * judged by what the guest itself prints (its name and id read from the seed; its Redis, asked by
 * {@code redis-cli} inside the guest, counting boots on the guest's own disk).
 */
class SeededGuestBootTest {

    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();

    private static QemuHost host;
    private static UUID golden;

    @TempDir
    static Path images;

    @TempDir
    Path data;

    private final List<Hypervisor> drivers = new ArrayList<>();

    @BeforeAll
    static void qemuAndTheDatabaseGolden() throws IOException {
        host = DetectedQemu.host();
        TestGuest.requireTools();
        QemuTools.requireOnPath("Debian package genisoimage or xorriso", "genisoimage");
        golden = UUID.randomUUID();
        UUID raw = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(images);
                InputStream in = Files.newInputStream(TestGuest.disk(Behaviour.DATABASE))) {
            store.importImage(raw, in);
            store.clone(raw, golden, "qcow2", Variant.DYNAMIC, Progress.NONE);
            store.delete(raw);
        }
    }

    @AfterEach
    void stopWhatRemains() {
        for (Hypervisor driver : drivers) {
            driver.runningGuests().forEach(driver::forceStop);
            driver.close();
        }
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() throws IOException {
        assertThat(QemuGuestBootTest.runningQemuOf(MACHINES)).as("QEMU processes of this class").isEmpty();
    }

    @Test
    void aSeededGuestKnowsItsNameAndIdAndItsDatabaseKeepsWhatItWroteUntilTheDiskIsReset() throws Exception {
        UUID machine = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.createDifferencing(machine, golden);
        }
        Hypervisor driver = driver();
        String serial = machine.toString();
        GuestSpec spec = spec(machine, "db-" + serial.substring(0, 4));

        driver.start(spec);
        awaitConsole(driver, machine, TestGuest.databaseBootsLine(serial, 1));
        assertThat(console(driver, machine)).contains(TestGuest.identityLine(serial, spec.name(), serial),
                TestGuest.databaseReadyLine(serial));

        // Pulling the plug: Redis fsyncs each write, so the count it wrote is on the overlay.
        assertThat(driver.forceStop(machine)).isEqualTo(StopOutcome.HARD);
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
    void withoutASeedToolTheStartFailsSayingWhatToInstallAndLeavesNoQemu() throws Exception {
        UUID machine = UUID.randomUUID();
        try (ImageStore store = ImageStore.withDefaultFormats(images)) {
            store.createDifferencing(machine, golden);
        }
        Hypervisor driver = new QemuHypervisor(host, SeedImageTool.missing());
        drivers.add(driver);

        assertThatThrownBy(() -> driver.start(spec(machine, "no-tool")))
                .isInstanceOf(HypervisorException.class).hasMessageContaining("genisoimage");

        assertThat(driver.runningGuests()).isEmpty();
        assertThat(QemuGuestBootTest.runningQemuOf(Set.of(machine))).isEmpty();
        RunDirectory dir = new RunDirectory(runDirectory(machine));
        assertThat(dir.pidFile()).doesNotExist();
        assertThat(dir.seedImage()).doesNotExist();
    }

    private Hypervisor driver() {
        Hypervisor driver = new QemuHypervisor(host);
        drivers.add(driver);
        return driver;
    }

    private GuestSpec spec(UUID machine, String name) {
        MACHINES.add(machine);
        return new GuestSpec(machine, name, 1, 256,
                List.of(new GuestDisk.ImageFile(images.resolve(machine + ".qcow2"), DiskFormat.QCOW2, false)),
                runDirectory(machine), new NoCloudSeed(machine.toString(), name, Map.of(), null, null));
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
}
