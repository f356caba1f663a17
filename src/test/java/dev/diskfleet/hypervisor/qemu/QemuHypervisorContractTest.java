package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.support.GuestTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.hypervisor.ExitReason;
import dev.diskfleet.hypervisor.GuestExit;
import dev.diskfleet.hypervisor.GuestNetwork;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.GuestState;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.HypervisorContractTest;
import dev.diskfleet.hypervisor.RunDirectory;
import dev.diskfleet.hypervisor.StopOutcome;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract with real QEMU processes: diskless guests, which sit in SeaBIOS until they are stopped. */
@GuestTest
class QemuHypervisorContractTest extends HypervisorContractTest {

    private static QemuHost host;

    @BeforeAll
    static void detectQemu() {
        host = DetectedQemu.host();
    }

    @Override
    protected Hypervisor newDriver() {
        return new QemuHypervisor(host);
    }

    @Test
    void aGuestIgnoringTheAcpiPowerButtonIsPoweredOffHardAfterTheTimeout() {
        Hypervisor driver = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        driver.start(spec);

        long started = System.nanoTime();
        assertThat(driver.stop(spec.machineId(), Duration.ofSeconds(2)))
                .isEqualTo(StopOutcome.HARD_AFTER_TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(driver.state(spec.machineId())).isEqualTo(GuestState.STOPPED);
    }

    @Test
    void aQemuKilledFromOutsideIsReportedAsAnAbnormalExit() throws Exception {
        Hypervisor driver = driver();
        BlockingQueue<GuestExit> exits = new LinkedBlockingQueue<>();
        driver.addExitListener(exits::add);
        GuestSpec spec = idleGuest(UUID.randomUUID());
        driver.start(spec);
        QemuProcess process = QemuProcess.fromPidFile(new RunDirectory(spec.runDirectory()).pidFile()).orElseThrow();

        ProcessHandle.of(process.pid()).orElseThrow().destroyForcibly();

        GuestExit exit = exits.poll(30, TimeUnit.SECONDS);
        assertThat(exit).isNotNull();
        assertThat(exit.reason()).isEqualTo(ExitReason.ABNORMAL);
        assertThat(exit.detail()).contains("without a SHUTDOWN event");
        assertThat(driver.state(spec.machineId())).isEqualTo(GuestState.STOPPED);
        assertThat(driver.runningGuests()).isEmpty();
    }

    @Test
    void aGuestSurvivesAKill9OfTheServiceThatStartedItAndIsThenAdopted() throws Exception {
        GuestSpec spec = idleGuest(UUID.randomUUID());
        // setsid: the stand-in service leads its own process group, which is then killed as a whole, as a
        // service manager kills a service's processes; only a guest in a session of its own survives that.
        Process service = new ProcessBuilder("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", "target/classes" + java.io.File.pathSeparator + "target/test-classes",
                StartGuestAndWait.class.getName(), host.binary().toString(), host.version(),
                host.accelerator().name(), spec.machineId().toString(), spec.runDirectory().toString())
                .redirectErrorStream(true).start();
        try (var output = new java.io.BufferedReader(new java.io.InputStreamReader(service.getInputStream()))) {
            assertThat(output.readLine()).isEqualTo(StartGuestAndWait.STARTED);
        }
        QemuProcess guest = QemuProcess.fromPidFile(new RunDirectory(spec.runDirectory()).pidFile()).orElseThrow();

        new ProcessBuilder("kill", "-KILL", "--", "-" + service.pid()).inheritIO().start().waitFor();
        service.waitFor();

        assertThat(guest.alive()).as("QEMU outlives a killed service").isTrue();
        Hypervisor restarted = driver();
        assertThat(restarted.adopt(spec.machineId(), spec.runDirectory())).isTrue();
        assertThat(restarted.state(spec.machineId())).isEqualTo(GuestState.RUNNING);
        assertThat(restarted.forceStop(spec.machineId())).isEqualTo(StopOutcome.HARD);
        assertThat(guest.alive()).isFalse();
    }

    @Test
    void qemuListensOnAForwardsHostPortWhileTheGuestRunsAndNoLongerOnceItStops() throws Exception {
        int port = freePort();
        Hypervisor driver = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID(), forwarding(port));
        driver.start(spec);

        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            assertThat(client.isConnected()).as("QEMU accepts on 127.0.0.1:" + port).isTrue();
        }
        driver.forceStop(spec.machineId());
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .as("nothing listens once the guest is gone").isInstanceOf(ConnectException.class);
    }

    @Test
    void qemuFailingToBindAForwardIsReportedAsABusyHostPort() {
        GuestNetwork.Forward forward = new GuestNetwork.Forward(GuestNetwork.Protocol.TCP, "127.0.0.1", 47269, 5432);
        GuestSpec spec = new GuestSpec(UUID.randomUUID(), "busy", 1, 32, java.util.List.of(), data,
                new GuestNetwork(GuestNetwork.Mode.USER, false, java.util.List.of(forward)));
        // QEMU 7.2's own words when the port was taken between our probe and its bind
        String output = "qemu-system-x86_64: -netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:47269-:5432:"
                + " Could not set up host forwarding rule 'tcp:127.0.0.1:47269-:5432'";

        assertThat(QemuHypervisor.busyForward(spec, output)).contains(forward);
        assertThat(QemuHypervisor.busyForward(spec, "qemu-system-x86_64: some other failure")).isEmpty();
    }

    /** A port nothing listens on now: the kernel's pick for a socket that is closed at once. */
    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theGuestRunsUnderTheDetectedAcceleratorAndCarriesTheMachineIdOnItsCommandLine() {
        Hypervisor driver = driver();
        GuestSpec spec = idleGuest(UUID.randomUUID());
        driver.start(spec);
        QemuProcess process = QemuProcess.fromPidFile(new RunDirectory(spec.runDirectory()).pidFile()).orElseThrow();

        assertThat(process.runsGuestOf(spec.machineId())).isTrue();
        assertThat(process.commandLine()).containsSequence("-accel", host.accelerator().name().toLowerCase());
        assertThat(driver.host().hypervisorVersion()).hasValue(host.version());
    }
}
