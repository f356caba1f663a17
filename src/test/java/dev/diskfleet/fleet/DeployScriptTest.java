package dev.diskfleet.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.diskfleet.FleetServiceTestSupport;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's automation example, examples/deploy-db-fleet.sh, against this test's service, as CI
 * must: any failing step fails the test. Without bash, curl or jq it is skipped locally, but fails
 * under CI=true (.ci/run installs them).
 */
class DeployScriptTest extends FleetServiceTestSupport {

    private static final Path SCRIPT = Path.of("examples/deploy-db-fleet.sh");

    @Test
    void theDeployExampleDeploysTenGuestsShowsAutoresetAndPrintsTheSpaceSaved() throws Exception {
        requireTools("bash", "curl", "jq");
        Path output = Files.createTempFile("deploy-db-fleet", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("DISKFLEET_URL", "http://localhost:" + port);
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

    private static void requireTools(String... tools) {
        List<String> missing = List.of(tools).stream().filter(tool -> !onPath(tool)).toList();
        if ("true".equals(System.getenv("CI"))) {
            assertThat(missing).as("tools the deploy example needs (CI installs them in .ci/run)").isEmpty();
        }
        assumeThat(missing).as("tools the deploy example needs").isEmpty();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return List.of(path.split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
