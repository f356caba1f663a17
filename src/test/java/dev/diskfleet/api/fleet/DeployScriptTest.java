package dev.diskfleet.api.fleet;

import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.FullStackTest;
import dev.diskfleet.support.QemuTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's automation example, examples/deploy-db-fleet.sh, against this test's service, as CI
 * must: any failing step fails the test. Without bash, curl or jq it is skipped locally, but fails
 * under CI=true (.ci/run installs them).
 */
@ProcessTest
class DeployScriptTest extends FullStackTest {

    private static final Path SCRIPT = Path.of("examples/deploy-db-fleet.sh");

    @Test
    void theDeployExampleDeploysTenGuestsShowsAutoresetAndPrintsTheSpaceSaved() throws Exception {
        QemuTools.requireOnPath("Debian packages bash, curl, jq; .ci/run installs them", "bash", "curl", "jq");
        Path output = Files.createTempFile("deploy-db-fleet", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("DISKFLEET_URL", "http://localhost:" + port);
        builder.environment().put("DISKFLEET_TOKEN", DiskfleetClient.TEST_ADMIN_TOKEN);
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        System.out.println(log); // the script's own report, in the build log
        if (!finished) {
            process.destroyForcibly();
        }

        assertThat(finished).as("the script finished within 5 minutes; output:%n%s", log).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", log).isZero();
        assertThat(log).contains("deployed 10 machines")
                .contains("autoreset: the write is gone")
                .containsPattern("space saved: [1-9][0-9]* bytes against 10 full copies")
                .doesNotContain("FAILED");
    }
}
