package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.hypervisor.HypervisorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A QEMU process known by its pid, looked at through /proc. It is not our child (QEMU daemonizes), so the
 * JDK's exit status is not available: liveness is read from {@code /proc/<pid>/stat}, where a zombie that
 * nobody has reaped yet counts as gone.
 */
record QemuProcess(long pid) {

    private static final Duration POLL = Duration.ofMillis(50);

    static Optional<QemuProcess> fromPidFile(Path pidFile) {
        try {
            return Optional.of(new QemuProcess(Long.parseLong(Files.readString(pidFile).trim())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean alive() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) S ...": comm may hold spaces and parentheses, so the state follows the last ')'
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    List<String> commandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Whether this pid is still the QEMU that runs {@code machineId}'s guest: a pid recorded before a restart
     * may since have been reused by anything.
     */
    boolean runsGuestOf(UUID machineId) {
        List<String> args = commandLine();
        if (args.isEmpty() || !args.get(0).contains("qemu-system")) {
            return false;
        }
        int uuid = args.indexOf("-uuid");
        return uuid >= 0 && uuid + 1 < args.size() && args.get(uuid + 1).equals(machineId.toString());
    }

    void kill() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Waits until the process is gone; returns whether it went within {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HypervisorException("interrupted waiting for QEMU " + pid + " to exit", e);
            }
        }
        return true;
    }
}
