package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code qemu-img}, the outside judge of our files. In CI ({@code CI=true}) a missing binary fails
 * the test; elsewhere the test is skipped.
 */
final class QemuImg {

    private static final long TIMEOUT_SECONDS = 60;

    record Result(List<String> command, int exitCode, String output) {

        Result assertSucceeded() {
            assertThat(exitCode).as("`%s` exited with %d:%n%s", String.join(" ", command), exitCode, output)
                    .isZero();
            return this;
        }
    }

    private final Path binary;

    private QemuImg(Path binary) {
        this.binary = binary;
    }

    static QemuImg require() {
        Path binary = onPath("qemu-img");
        if (binary == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("qemu-img is not installed, and CI=true: interop tests must run in CI (install qemu-utils)");
            }
            assumeTrue(false, "qemu-img is not installed; skipping the tests it judges");
        }
        return new QemuImg(binary);
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("`%s` did not finish within %d s", String.join(" ", command), TIMEOUT_SECONDS);
            }
            return new Result(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** {@code qemu-img check}: exit code 0 means no corruption, no leaks, no errors. */
    Result check(Path vdi) {
        return run("check", "-f", "vdi", vdi.toString()).assertSucceeded();
    }

    /** {@code qemu-img compare}: exit code 0 means the two disks read identical. */
    Result compare(Path vdi, Path expectedRaw) {
        return run("compare", "-f", "vdi", "-F", "raw", vdi.toString(), expectedRaw.toString()).assertSucceeded();
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
