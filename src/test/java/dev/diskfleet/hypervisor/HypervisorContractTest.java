package dev.diskfleet.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every hypervisor driver promises, tested once (as {@code ImageFormatContractTest} does for image
 * formats): a subclass per driver supplies drivers and a guest it can run without a disk to boot.
 */
public abstract class HypervisorContractTest {

    @TempDir
    protected Path data;

    private final List<Hypervisor> drivers = new ArrayList<>();
    private final List<GuestSpec> started = new ArrayList<>();

    /** A new driver instance, as a freshly started service makes one. */
    protected abstract Hypervisor newDriver();

    /** A guest with no disk: it runs (in firmware) until it is stopped, and ignores ACPI. */
    protected GuestSpec idleGuest(UUID machineId) {
        return idleGuest(machineId, GuestNetwork.NONE);
    }

    /** {@link #idleGuest(UUID)} with a network. */
    protected GuestSpec idleGuest(UUID machineId, GuestNetwork network) {
        GuestSpec spec = new GuestSpec(machineId, "contract-" + machineId.toString().substring(0, 8), 1, 32,
                List.of(), data.resolve(machineId.toString().substring(0, 8)), network);
        started.add(spec);
        return spec;
    }

    /** User-mode networking with one TCP forward from 127.0.0.1:{@code hostPort} to guest port 5432. */
    protected static GuestNetwork forwarding(int hostPort) {
        return new GuestNetwork(GuestNetwork.Mode.USER, false, List.of(
                new GuestNetwork.Forward(GuestNetwork.Protocol.TCP, "127.0.0.1", hostPort, 5432)));
    }

    @Test
    void aGuestWhoseForwardsHostPortIsHeldIsRefusedAndNothingOfItRuns() throws IOException {
        Hypervisor driver = driver();
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            GuestSpec spec = idleGuest(UUID.randomUUID(), forwarding(holder.getLocalPort()));

            assertThatThrownBy(() -> driver.start(spec)).isInstanceOfSatisfying(HostPortBusyException.class,
                    busy -> assertThat(busy.forward().hostPort()).isEqualTo(holder.getLocalPort()))
                    .hasMessageContaining(String.valueOf(holder.getLocalPort()));
            assertThat(driver.state(spec.machineId())).isEqualTo(GuestState.STOPPED);
            assertThat(driver.runningGuests()).isEmpty();
            assertThat(newDriver().adopt(spec.machineId(), spec.runDirectory())).as("no guest left to adopt").isFalse();
        }
    }

    protected final Hypervisor driver() {
        Hypervisor driver = newDriver();
        drivers.add(driver);
        return driver;
    }

    @AfterEach
    void stopEveryGuestThisTestStarted() {
        // A QEMU monitor serves one client at a time: the test's drivers let go before the cleaner adopts.
        drivers.forEach(Hypervisor::close);
        Hypervisor cleaner = newDriver();
        for (GuestSpec spec : started) {
            if (cleaner.adopt(spec.machineId(), spec.runDirectory())) {
                cleaner.forceStop(spec.machineId());
            }
        }
        cleaner.close();
    }

    @Test
    void aStartedGuestRunsAndIsListed() {
        Hypervisor driver = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());

        driver.start(spec);

        assertThat(driver.state(spec.machineId())).isEqualTo(GuestState.RUNNING);
        assertThat(driver.runningGuests()).containsExactly(spec.machineId());
    }

    @Test
    void startingAGuestThatRunsIsRefused() {
        Hypervisor driver = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        driver.start(spec);

        assertThatThrownBy(() -> driver.start(spec)).isInstanceOf(GuestAlreadyRunningException.class);
        assertThat(driver.state(spec.machineId())).isEqualTo(GuestState.RUNNING);
    }

    @Test
    void aForcedStopEndsTheGuestAtOnceAndTellsListenersOnce() {
        Hypervisor driver = driver();
        List<GuestExit> exits = new CopyOnWriteArrayList<>();
        driver.addExitListener(exits::add);
        GuestSpec spec = idleGuest(UUID.randomUUID());
        driver.start(spec);

        assertThat(driver.forceStop(spec.machineId())).isEqualTo(StopOutcome.HARD);

        assertThat(driver.state(spec.machineId())).isEqualTo(GuestState.STOPPED);
        assertThat(driver.runningGuests()).isEmpty();
        assertThat(exits).singleElement().satisfies(exit -> {
            assertThat(exit.machineId()).isEqualTo(spec.machineId());
            assertThat(exit.reason()).isEqualTo(ExitReason.STOPPED_BY_HOST);
        });
    }

    @Test
    void aGracefulStopReturnsOnlyOnceTheGuestNoLongerRuns() {
        Hypervisor driver = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        driver.start(spec);

        StopOutcome outcome = driver.stop(spec.machineId(), Duration.ofSeconds(1));

        assertThat(outcome).isIn(StopOutcome.GUEST_POWERED_OFF, StopOutcome.HARD_AFTER_TIMEOUT);
        assertThat(driver.state(spec.machineId())).isEqualTo(GuestState.STOPPED);
    }

    @Test
    void stoppingAGuestThatDoesNotRunChangesNothing() {
        Hypervisor driver = driver();
        UUID machineId = UUID.randomUUID();

        assertThat(driver.stop(machineId, Duration.ofSeconds(1))).isEqualTo(StopOutcome.NOT_RUNNING);
        assertThat(driver.forceStop(machineId)).isEqualTo(StopOutcome.NOT_RUNNING);
        assertThat(driver.state(machineId)).isEqualTo(GuestState.STOPPED);
    }

    @Test
    void aRestartedServiceAdoptsARunningGuestFromItsRunDirectoryAndCanStopIt() {
        Hypervisor before = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        before.start(spec);
        before.close();

        Hypervisor after = driver();
        assertThat(after.adopt(spec.machineId(), spec.runDirectory())).isTrue();
        assertThat(after.state(spec.machineId())).isEqualTo(GuestState.RUNNING);
        assertThat(after.runningGuests()).containsExactly(spec.machineId());
        assertThat(after.forceStop(spec.machineId())).isEqualTo(StopOutcome.HARD);

        assertThat(driver().adopt(spec.machineId(), spec.runDirectory())).isFalse();
    }

    @Test
    void aGuestLeftRunningByAnEarlierServiceIsNotStartedTwice() {
        Hypervisor before = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        before.start(spec);
        before.close();

        assertThatThrownBy(() -> driver().start(spec)).isInstanceOf(GuestAlreadyRunningException.class);
    }

    @Test
    void adoptFindsNothingInARunDirectoryWithoutAGuest() {
        assertThat(driver().adopt(UUID.randomUUID(), data.resolve("never-started"))).isFalse();
    }

    @Test
    void adoptRefusesTheGuestOfAnotherMachine() {
        Hypervisor before = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        before.start(spec);
        before.close();

        assertThat(driver().adopt(UUID.randomUUID(), spec.runDirectory())).isFalse();
    }

    @Test
    void theRunDirectoryOfAStoppedGuestCanBeRemovedAndThenIsGone() {
        Hypervisor driver = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        driver.start(spec);
        driver.forceStop(spec.machineId());

        assertThat(driver.removeRunDirectory(spec.machineId(), spec.runDirectory())).isTrue();

        assertThat(spec.runDirectory()).doesNotExist();
        assertThat(driver.removeRunDirectory(spec.machineId(), spec.runDirectory())).as("again").isTrue();
    }

    @Test
    void theRunDirectoryOfARunningGuestIsKeptEvenWhenAnEarlierServiceStartedIt() {
        Hypervisor before = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        before.start(spec);
        assertThat(before.removeRunDirectory(spec.machineId(), spec.runDirectory())).isFalse();
        before.close();

        Hypervisor after = driver();
        assertThat(after.removeRunDirectory(spec.machineId(), spec.runDirectory())).isFalse();

        assertThat(after.adopt(spec.machineId(), spec.runDirectory())).as("still found there").isTrue();
    }

    @Test
    void aRunDirectoryThatNeverBootedHasAnEmptyConsole() {
        assertThat(driver().consoleTail(data.resolve("never-started"), 10)).isEmpty();
    }

    @Test
    void hostInfoNamesTheDriver() {
        Hypervisor driver = driver();

        assertThat(driver.host().driver()).isEqualTo(driver.name());
    }
}
