package dev.diskfleet.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine the benchmark runs on: external commands (qemu-img, qemu-io, du, stat), the page cache and
 * what files really occupy on disk. Everything here shells out, as a user at a prompt would.
 */
final class Host {

    private final Path workDir;
    private boolean cacheDropWorks = true;

    Host(Path workDir) {
        this.workDir = workDir;
    }

    /** Runs a command in the work directory and returns its standard output; a non-zero exit is fatal. */
    String run(String... command) {
        return run(List.of(command));
    }

    String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /**
     * Runs a command and returns the CPU seconds (user + system) it used, from bash's {@code times}: a
     * figure less shaken than wall time by other work on a shared machine.
     */
    double runForCpuSeconds(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", "set -e; \"$@\" >/dev/null; times", "bash"));
        wrapped.addAll(command);
        String[] lines = run(wrapped).trim().split("\n");
        String[] children = lines[lines.length - 1].trim().split("\\s+");
        return bashSeconds(children[0]) + bashSeconds(children[1]);
    }

    /** Parses bash's {@code 1m2.345s}. */
    private static double bashSeconds(String text) {
        int m = text.indexOf('m');
        return Integer.parseInt(text.substring(0, m)) * 60 + Double.parseDouble(text.substring(m + 1, text.length() - 1));
    }

    /** CPU seconds this JVM has used so far, every thread included. */
    static double ownCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** Runs a bash script (a loop of qemu-img calls, as a user would type it). */
    String bash(String script) {
        return run("bash", "-c", script);
    }

    /**
     * Writes dirty pages back, then drops the page cache so both sides start from the same state. When the
     * kernel refuses, only the {@code sync} is done and both sides run with whatever is cached. Then it
     * waits {@code bench.pause} ms (default 3000): on a VM with free page reporting (virtio-balloon), memory
     * freed by the previous run goes back to the host about 2 s later and costs a host fault to touch again,
     * so a run started sooner would be faster than one started later. Waiting gives every run the same
     * state: cold page cache, cold memory.
     */
    void settle() {
        run("sync");
        if (cacheDropWorks) {
            try {
                Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            } catch (IOException | SecurityException e) {
                cacheDropWorks = false;
                System.out.println("note: cannot drop the page cache (" + e.getMessage()
                        + "); both sides run warm after the same untimed warm-up");
            }
        }
        try {
            Thread.sleep(Long.getLong("bench.pause", 3000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean cacheDropWorks() {
        return cacheDropWorks;
    }

    /** Bytes the files really occupy (st_blocks × block size), summed. */
    long diskUsage(List<Path> files) {
        return sumStat("%b %B", files, true);
    }

    /** File lengths (st_size), summed. */
    long length(List<Path> files) {
        return sumStat("%s", files, false);
    }

    private long sumStat(String format, List<Path> files, boolean product) {
        List<String> command = new ArrayList<>(List.of("stat", "-c", format));
        files.forEach(f -> command.add(f.toString()));
        long total = 0;
        for (String line : run(command).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.trim().split(" ");
            total += product ? Long.parseLong(fields[0]) * Long.parseLong(fields[1]) : Long.parseLong(fields[0]);
        }
        return total;
    }

    String qemuImgVersion() {
        return run("qemu-img", "--version").lines().findFirst().orElse("?");
    }

    String describe() {
        return run("bash", "-c", "echo \"$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, "
                + "$(uname -sr), file system $(findmnt -no FSTYPE -T .)\"").trim();
    }

    /** Other work on the machine skews timings; the report says how busy it was. */
    String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    String freeSpace() {
        return run("df", "-h", "--output=avail", ".").lines().skip(1).findFirst().orElse("?").trim();
    }
}
