package dev.diskfleet.guest;

import dev.diskfleet.support.DiskfleetClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service in a JVM of its own, as it runs in production, so that a test can kill it with SIGKILL and
 * start the next one on the same data folder. Its output goes to {@code service-<n>.log} in that folder.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(240);

    private final Process process;
    private final DiskfleetClient api;

    private ServiceProcess(Process process, int port) {
        this.process = process;
        this.api = new DiskfleetClient(port);
    }

    static ServiceProcess start(Path dataDir, int number, String... settings) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // a setting such as -Xmx256m is the JVM's (the last -Xmx wins), every other one the service's. env resets
        // SIGINT to its default: a build started in the background inherits it ignored, and a JVM that starts
        // with SIGINT ignored never sees a Ctrl-C.
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        List.of(settings).stream().filter(setting -> setting.startsWith("-X")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.diskfleet.DiskfleetApplication",
                "--server.port=" + port,
                "--diskfleet.data-dir=" + dataDir,
                "--diskfleet.storage.root=" + dataDir.resolve("images"),
                "--diskfleet.security.admin-token=" + DiskfleetClient.TEST_ADMIN_TOKEN));
        List.of(settings).stream().filter(setting -> !setting.startsWith("-X")).forEach(command::add);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("service-" + number + ".log").toFile()).start();
        ServiceProcess service = new ServiceProcess(process, port);
        service.awaitReady(dataDir.resolve("service-" + number + ".log"));
        return service;
    }

    DiskfleetClient api() {
        return api;
    }

    /** SIGKILL: no shutdown hook, no @PreDestroy, as a crash or an OOM kill ends it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM: Spring's orderly shutdown. Returns whether the service exited by itself within a minute; if
     * not, it is killed.
     */
    boolean terminate() throws InterruptedException {
        process.destroy();
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            return true;
        }
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return false;
    }

    /** SIGINT, as Ctrl-C in its terminal sends; returns its exit code, or -1 when it had to be killed. */
    int interrupt() throws InterruptedException, IOException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        return exitCodeWithinAMinute();
    }

    /** SIGTERM; returns its exit code, or -1 when it had to be killed. */
    int terminateForExitCode() throws InterruptedException {
        process.destroy();
        return exitCodeWithinAMinute();
    }

    private int exitCodeWithinAMinute() throws InterruptedException {
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        terminate();
    }

    private void awaitReady(Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited while starting:\n" + java.nio.file.Files.readString(log));
            }
            try {
                if (api.get("/api/host").status() == 200) {
                    return;
                }
            } catch (AssertionError notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        process.destroyForcibly();
        throw new AssertionError("the service did not answer within " + STARTUP + ":\n"
                + java.nio.file.Files.readString(log));
    }
}
