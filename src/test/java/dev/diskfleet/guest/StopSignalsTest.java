package dev.diskfleet.guest;

import dev.diskfleet.support.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.ProcessTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) and SIGTERM are a normal stop: the service shuts down in order and exits 0, so that
 * {@code mvn spring-boot:run}, docker and systemd do not report a failure.
 */
@ProcessTest
class StopSignalsTest {

    @Test
    void sigintAndSigtermStopTheServiceWithExitCodeZero(@TempDir Path data) throws Exception {
        ServiceProcess interrupted = ServiceProcess.on(data).number(1).settings("--diskfleet.hypervisor=none").start();
        assertThat(interrupted.interrupt()).as("exit code after SIGINT").isZero();
        assertThat(Files.readString(data.resolve("service-1.log"))).contains("Shutdown completed");

        ServiceProcess terminated = ServiceProcess.on(data).number(2).settings("--diskfleet.hypervisor=none").start();
        assertThat(terminated.terminateForExitCode()).as("exit code after SIGTERM").isZero();
    }
}
