package dev.diskfleet.docs;

import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.DefaultDriverTest;
import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TemporaryDataDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's tour as a reader pastes it: every {@code ```sh} block under its heading, in order, in one
 * bash with {@code set -euo pipefail}, from a folder holding {@code data/admin-token} (as the service's folder
 * does after its first start), against this test's service. Any failing step fails the test. Without bash,
 * curl, jq or qemu-img it is skipped locally and fails under CI=true. It runs on the default driver, so on a
 * host with QEMU (CI) the tour's machine and fleet are real QEMU guests.
 */
@ProcessTest
class ReadmeTourTest extends DefaultDriverTest {

    static final Path README = Path.of("README.md");
    static final String HEADING = "## Tour: from a disk file to a fleet";
    private static final Pattern SH_BLOCK = Pattern.compile("(?m)^```sh\\n(.*?)^```$", Pattern.DOTALL);

    @Test
    void theTourRunsAsPastedFromADiskFileToAFleetAndCleansUp() throws Exception {
        QemuTools.requireOnPath("Debian packages bash, curl, jq and qemu-utils; .ci/run installs them",
                "bash", "curl", "jq", "qemu-img");
        List<String> blocks = tourBlocks(Files.readString(README, StandardCharsets.UTF_8));
        assertThat(blocks).as("```sh blocks under '%s' in the README", HEADING).hasSizeGreaterThanOrEqualTo(5);

        Path folder = TemporaryDataDir.create("readme-tour-");
        try {
            Files.createDirectories(folder.resolve("data"));
            Files.writeString(folder.resolve("data/admin-token"), DiskfleetClient.TEST_ADMIN_TOKEN + "\n");
            String log = runBash(folder, "set -euo pipefail\n" + String.join("\n", blocks));

            assertThat(log).contains("DISKFLEET-TOUR-GOLDEN", "written by the tour", "\"state\":\"running\"",
                    "\"state\":\"poweredOff\"", "{\"driver\":\"" + driver + "\"}", "file format: qcow2", "tour done");
            assertThat(log).as("the snapshot captured the machine's disk").contains("{\"name\":\"before-upgrade\",\"disks\":1}");
            assertThat(log.split("written by the tour", -1)).as("the write read back, and again after a power cycle")
                    .hasSize(3);
            assertThat(log).containsPattern("\"machines\":\\[(\\{\"name\":\"db-[0-9]+-[123]\",\"state\":\"running\"},?){3}]");
        } finally {
            TemporaryDataDir.deleteTree(folder);
        }
    }

    static List<String> tourBlocks(String readme) {
        int start = readme.indexOf(HEADING);
        assertThat(start).as("the README has the heading '%s'", HEADING).isNotNegative();
        int end = readme.indexOf("\n## ", start + HEADING.length());
        Matcher block = SH_BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        List<String> blocks = new ArrayList<>();
        while (block.find()) {
            blocks.add(block.group(1));
        }
        return blocks;
    }

    private String runBash(Path folder, String script) throws IOException, InterruptedException {
        Path output = Files.createTempFile("readme-tour", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("DISKFLEET_URL", "http://localhost:" + port);
        builder.environment().remove("TOKEN");
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        System.out.println(log); // what a reader would see, in the build log
        assertThat(finished).as("the tour finished within 5 minutes; output:%n%s", log).isTrue();
        assertThat(process.exitValue()).as("the tour's exit code; output:%n%s", log).isZero();
        return log;
    }
}
