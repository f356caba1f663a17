package dev.diskfleet.guest;

import dev.diskfleet.support.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.ProcessTest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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
        // Two services at once, each on a data folder of its own: one start's wait instead of two.
        CompletableFuture<ServiceProcess> second = CompletableFuture.supplyAsync(() ->
                ServiceProcess.on(data.resolve("terminated")).settings("--diskfleet.hypervisor=none").start());
        try (ServiceProcess interrupted = ServiceProcess.on(data.resolve("interrupted"))
                .settings("--diskfleet.hypervisor=none").start();
                ServiceProcess terminated = second.join()) {
            assertThat(interrupted.interrupt()).as("exit code after SIGINT").isZero();
            assertThat(interrupted.log()).contains("Shutdown completed");
            assertThat(terminated.terminateForExitCode()).as("exit code after SIGTERM").isZero();
        }
    }
}
