package dev.diskfleet.api.fleet;

import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.DefaultDriverTest;
import dev.diskfleet.support.FleetFaults;
import dev.diskfleet.support.QemuTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Runs the README's automation example, examples/deploy-db-fleet.sh, against this test's service on the
 * default driver (QEMU guests where QEMU is installed, as in CI), as CI must: any failing step fails the
 * test; and against a service that fails the deployment, where the script must take back what it made.
 * Without bash, curl or jq it is skipped locally, but fails under CI=true (.ci/run installs them).
 */
@ProcessTest
class DeployScriptTest extends DefaultDriverTest {

    private static final Path SCRIPT = Path.of("examples/deploy-db-fleet.sh");

    @Autowired
    FleetFaults faults;

    @Test
    void theDeployExampleDeploysTenGuestsShowsAutoresetAndPrintsTheSpaceSaved() throws Exception {
        Run run = runScript(Map.of());

        assertThat(run.finished()).as("the script finished within 5 minutes; output:%n%s", run.log()).isTrue();
        assertThat(run.exitCode()).as("exit code; output:%n%s", run.log()).isZero();
        assertThat(run.log()).contains("deployed 10 machines")
                .contains("autoreset: the write is gone")
                .containsPattern("space saved: [1-9][0-9]* bytes against 10 full copies")
                .doesNotContain("FAILED");
        assertThat(running()).as("machines left running by a run that went through").isZero();
    }

    @Test
    void aRunThatFailsTakesBackTheFleetAndTheGoldenItMade() throws Exception {
        long imagesBefore = api.get("/api/images?size=1").expect(200).json().path("totalItems").asLong();
        long fleetsBefore = api.get("/api/fleets?size=1").expect(200).json().path("totalItems").asLong();
        faults.failAfterMachine(6);
        try {
            Run run = runScript(Map.of("FLEET_SIZE", "10"));

            assertThat(run.finished()).as("output:%n%s", run.log()).isTrue();
            assertThat(run.exitCode()).as("exit code; output:%n%s", run.log()).isNotZero();
            assertThat(run.log()).contains("FAILED").contains("cleaning up after the failure");
        } finally {
            faults.disarm();
        }
        assertThat(api.get("/api/images?size=1").expect(200).json().path("totalItems").asLong())
                .as("images after the failed run").isEqualTo(imagesBefore);
        assertThat(api.get("/api/fleets?size=1").expect(200).json().path("totalItems").asLong())
                .as("fleets after the failed run").isEqualTo(fleetsBefore);
        assertThat(running()).as("machines left running").isZero();
    }

    private long running() {
        long running = 0;
        for (JsonNode machine : api.get("/api/machines?size=500").expect(200).json().path("items")) {
            running += "running".equals(machine.path("state").asString()) ? 1 : 0;
        }
        return running;
    }

    private record Run(boolean finished, int exitCode, String log) {
    }

    private Run runScript(Map<String, String> environment) throws Exception {
        QemuTools.requireOnPath("Debian packages bash, curl, jq; .ci/run installs them", "bash", "curl", "jq");
        Path output = Files.createTempFile("deploy-db-fleet", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("DISKFLEET_URL", "http://localhost:" + port);
        builder.environment().put("DISKFLEET_TOKEN", DiskfleetClient.TEST_ADMIN_TOKEN);
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        System.out.println(log); // the script's own report, in the build log
        return new Run(finished, finished ? process.exitValue() : -1, log);
    }
}
