package dev.diskfleet.crash;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The real service as a child process: {@code java -cp target/classes:<dependencies>
 * dev.diskfleet.DiskfleetApplication} on a data directory of the test's choosing, so a test can kill it
 * with SIGKILL ({@link Process#destroyForcibly} on Linux) and start it again on the same files. It runs
 * inside the test phase, without packaging; the test classes stay off its class path so no test bean joins
 * the service.
 */
final class ServiceProcess implements AutoCloseable {

    /**
     * The first admin's bearer token the child is started with, for services that require one (the
     * security branch); a service without that setting ignores it.
     */
    static final String ADMIN_TOKEN = "crash-harness-admin-token";

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Pattern FAILED = Pattern.compile("APPLICATION FAILED TO START|Application run failed");

    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the service and waits until it answers HTTP; {@code crashPoint} may be null. */
    static ServiceProcess start(Path dataDir, Path log, String crashPoint, Duration timeout) {
        return start(dataDir, log, crashPoint, null, timeout);
    }

    /**
     * Starts the service armed with {@code crashPoint} (counted once startup recovery is done) and
     * {@code recoveryPoint} (counted while it runs), either may be null, and waits until it answers HTTP.
     */
    static ServiceProcess start(Path dataDir, Path log, String crashPoint, String recoveryPoint, Duration timeout) {
        Process process = launch(dataDir, log, crashPoint, recoveryPoint);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = read(log);
            Matcher started = STARTED.matcher(text);
            if (started.find()) {
                return new ServiceProcess(process, log, Integer.parseInt(started.group(1)));
            }
            if (!process.isAlive() || FAILED.matcher(text).find()) {
                process.destroyForcibly();
                throw new IllegalStateException("the service did not start (exit "
                        + (process.isAlive() ? "-" : process.exitValue()) + "):\n" + tail(text));
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the service did not start in " + timeout + ":\n" + tail(read(log)));
    }

    /**
     * Starts the service armed with {@code recoveryPoint} and waits until it halts there, during its startup
     * recovery: true then; false when it finished its start instead (it is killed) or died of another cause.
     */
    static boolean haltsInRecovery(Path dataDir, Path log, String recoveryPoint, Duration timeout) {
        Process process = launch(dataDir, log, null, recoveryPoint);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    return read(log).contains("CRASH POINT REACHED IN RECOVERY: ");
                }
                if (STARTED.matcher(read(log)).find()) {
                    return false;
                }
                sleep(100);
            }
            return false;
        } finally {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
    }

    /** Starts a process that is expected to stop by itself; the caller waits for it. */
    static Process launch(Path dataDir, Path log, String crashPoint) {
        return launch(dataDir, log, crashPoint, null);
    }

    static String hostPorts(Path dataDir) {
        int first = 20000 + Math.floorMod(dataDir.toAbsolutePath().toString().hashCode(), 9000);
        return first + "-" + (first + 199);
    }

    private static Process launch(Path dataDir, Path log, String crashPoint, String recoveryPoint) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and quick to start: two cores are shared with other builds, and the harness starts it often.
        command.addAll(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k"));
        if (crashPoint != null) {
            command.add("-Ddiskfleet.crash-point=" + crashPoint);
        }
        if (recoveryPoint != null) {
            command.add("-Ddiskfleet.crash-point.recovery=" + recoveryPoint);
        }
        command.addAll(List.of("-cp", serviceClassPath(), "dev.diskfleet.DiskfleetApplication",
                "--diskfleet.data-dir=" + dataDir, "--server.port=0",
                "--diskfleet.security.admin-token=" + ADMIN_TOKEN, "--spring.main.banner-mode=off",
                // The workload's machines have no bootable disk and write into running machines' disks over
                // HTTP: records only, as the rest of the suite (guests are RealGuestsTest's subject).
                "--diskfleet.hypervisor=none",
                // Fleet starts probe their forwards' host ports: a range of this data folder's own, below the
                // ephemeral ports, and the same at every restart (picked ports are kept in rows).
                "--diskfleet.network.host-ports=" + hostPorts(dataDir),
                "--logging.level.root=WARN", "--logging.level.org.springframework.boot.tomcat=INFO",
                "--logging.level.org.springframework.boot.web=INFO", "--logging.level.dev.diskfleet=INFO"));
        try {
            Files.createDirectories(log.getParent());
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Process process() {
        return process;
    }

    String log() {
        return read(log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or an operator's kill -9 would: nothing in the service gets to run. */
    void kill() {
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
    }

    /** Waits for the process to end by itself (a crash point halts it); false if it is still alive. */
    boolean awaitDeath(Duration timeout) {
        return waitFor(process, timeout);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tail(String text) {
        String[] lines = text.split("\n");
        return Arrays.stream(lines).skip(Math.max(0, lines.length - 40)).collect(Collectors.joining("\n"));
    }

    /** The test JVM's class path without the test classes: Surefire names the real one in a property. */
    private static String serviceClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
