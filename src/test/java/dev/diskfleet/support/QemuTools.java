package dev.diskfleet.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs qemu-img and qemu-io (and libnbd's nbdinfo), the outside judges of our image files and NBD
 * exports, for every test that needs them.
 * Without them a test skips locally but fails when {@code CI=true}: CI installs qemu-utils, so a missing
 * tool there is a broken build, not a reason to pass.
 */
public final class QemuTools {

    public record Result(List<String> command, int exitCode, String output) {
    }

    private static final long TIMEOUT_SECONDS = 120;
    private static final List<String> FORMATS = List.of("vdi", "qcow2", "raw");

    private QemuTools() {
    }

    /**
     * Call first in a test that needs {@code tools} ({@code "qemu-img"}, {@code "qemu-io"}, {@code "nbdinfo"},
     * {@code "nbdcopy"}).
     */
    public static void require(String... tools) {
        for (String tool : tools) {
            requireOnPath("Debian package " + debianPackageOf(tool), tool);
        }
    }

    /**
     * Call first in a test that runs other programs: fails under {@code CI=true}, skips locally, when one is
     * missing. A check in the middle of a test would mark all it had already checked as skipped.
     */
    public static void requireOnPath(String whereFrom, String... tools) {
        for (String tool : tools) {
            if (!onPath(tool)) {
                if ("true".equals(System.getenv("CI"))) {
                    fail(tool + " is required when CI=true (" + whereFrom + ")");
                }
                Assumptions.abort(tool + " is not installed (" + whereFrom + "); skipped outside CI");
            }
        }
    }

    /** nbdinfo and nbdcopy come with libnbd, the rest of our judges with QEMU's utilities. */
    private static String debianPackageOf(String tool) {
        return tool.startsWith("nbd") ? "libnbd-bin" : "qemu-utils";
    }

    /** Runs qemu-img and returns its output; a non-zero exit fails the test with that output. */
    public static String qemuImg(String... args) {
        return succeed("qemu-img", args);
    }

    public static String qemuIo(String... args) {
        return succeed("qemu-io", args);
    }

    public static Result run(String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** {@code qemu-img check}, in the format the file is named for, must find no errors and no leaks. */
    public static void assertCheckClean(Path image) {
        Result result = run("qemu-img", "check", "-f", formatOf(image), image.toString());
        assertThat(result.exitCode()).as("qemu-img check %s:%n%s", image, result.output()).isZero();
        assertThat(result.output()).contains("No errors were found on the image.").doesNotContain("leaked");
    }

    /** {@code qemu-img compare} (through any backing chain) must find the image identical to a raw file. */
    public static void assertIdentical(Path image, Path expectedRaw) {
        assertIdentical(image, formatOf(image), expectedRaw);
    }

    public static void assertIdentical(Path image, String format, Path expectedRaw) {
        Result result = run("qemu-img", "compare", "-f", format, "-F", "raw", image.toString(), expectedRaw.toString());
        assertThat(result.exitCode()).as("qemu-img compare %s %s:%n%s", image, expectedRaw, result.output()).isZero();
    }

    /** The format a file is named for ({@code <uuid>.qcow2}, {@code exported.vdi}): qemu-img is told, never guesses. */
    public static String formatOf(Path image) {
        String name = image.getFileName().toString();
        String extension = name.substring(name.lastIndexOf('.') + 1);
        if (!FORMATS.contains(extension)) {
            throw new IllegalArgumentException(name + " does not end in ." + String.join(", .", FORMATS)
                    + "; name the format");
        }
        return extension;
    }

    private static String succeed(String tool, String... args) {
        Result result = run(tool, args);
        assertThat(result.exitCode()).as("%s %s:%n%s", tool, String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    private static boolean onPath(String tool) {
        return onPathAt(tool) != null;
    }

    /** Where {@code tool} is on the PATH (a browser test hands these to Selenium), or null. */
    public static String onPathAt(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool).toString();
            }
        }
        return null;
    }
}
