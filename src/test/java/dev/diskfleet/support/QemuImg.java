package dev.diskfleet.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** qemu-img, the outside judge. Missing: tests skip locally and fail with CI=true. */
public final class QemuImg {

    private QemuImg() {
    }

    public static void require() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/qemu-img")) || onPath();
        if (!present && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("qemu-img is not installed (Debian package qemu-utils)");
        }
        if (!present) {
            throw new AssertionError("qemu-img is required with CI=true; install qemu-utils");
        }
    }

    /** Runs qemu-img with {@code args}; returns its output, failing the test when it exits non-zero. */
    public static String run(String... args) {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    private static boolean onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "qemu-img"))) {
                return true;
            }
        }
        return false;
    }
}
