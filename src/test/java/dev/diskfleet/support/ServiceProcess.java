package dev.diskfleet.support;

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
 * The real service as a child process, {@code java -cp target/classes:<dependencies>
 * dev.diskfleet.DiskfleetApplication}, on a data folder of the test's choosing: the one way the suite runs
 * the service as production does, so that a test can kill it with SIGKILL, send it SIGINT or SIGTERM, and
 * start the next one on the same files. The test classes stay off its class path, so no test bean joins it.
 *
 * <pre>{@code
 * try (ServiceProcess service = ServiceProcess.on(dataDir).settings("--diskfleet.hypervisor=none").start()) {
 *     service.api().get("/api/images").expect(200);
 * }
 * }</pre>
 */
public final class ServiceProcess implements AutoCloseable {

    /** The bootstrap admin token every child is started with; {@link #api()} sends it. */
    public static final String ADMIN_TOKEN = DiskfleetClient.TEST_ADMIN_TOKEN;

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Pattern FAILED = Pattern.compile("APPLICATION FAILED TO START|Application run failed");

    private final Process process;
    private final Path log;
    private final int port;
    private final DiskfleetClient api;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.api = new DiskfleetClient(port);
    }

    /** A service to start on {@code dataDir}; its output goes to {@code service.log} there unless told. */
    public static Launch on(Path dataDir) {
        return new Launch(dataDir);
    }

    /** How one child is started: its data folder, log, JVM options and service settings. */
    public static final class Launch {

        private final Path dataDir;
        private Path log;
        private final List<String> jvmOptions = new ArrayList<>(
                // Small and quick to start: two cores are shared with the rest of the build, and some suites
                // start the service dozens of times. A later -Xmx given in settings wins.
                // The deployment warm-up is off (a system property, so a --setting may turn it on).
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
                        "-Ddiskfleet.fleets.warm-up=false"));
        private final List<String> settings = new ArrayList<>();
        private Duration startup = Duration.ofMinutes(4);
        private int port;

        private Launch(Path dataDir) {
            this.dataDir = dataDir;
            this.log = dataDir.resolve("service.log");
        }

        /** Where the child's output is appended. */
        public Launch log(Path log) {
            this.log = log;
            return this;
        }

        /** {@code service-<number>.log} in the data folder: one log per start of a test's services. */
        public Launch number(int number) {
            return log(dataDir.resolve("service-" + number + ".log"));
        }

        /** {@code -X…} and {@code -D…} go to the JVM, every other one ({@code --name=value}) to the service. */
        public Launch settings(String... given) {
            for (String setting : given) {
                (setting.startsWith("-X") || setting.startsWith("-D") ? jvmOptions : settings).add(setting);
            }
            return this;
        }

        /** Armed to halt at the named crash point (counted once startup recovery is done); "*" counts all. */
        public Launch crashPoint(String point) {
            return settings("-Ddiskfleet.crash-point=" + point);
        }

        /** Armed to halt at the named point of its startup recovery. */
        public Launch recoveryPoint(String point) {
            return settings("-Ddiskfleet.crash-point.recovery=" + point);
        }

        /** A fixed HTTP port, for a node whose URL other nodes must know before it starts; 0 (any) unless told. */
        public Launch port(int port) {
            this.port = port;
            return this;
        }

        public Launch startup(Duration timeout) {
            this.startup = timeout;
            return this;
        }

        /** Starts the child and waits until it answers HTTP; it fails, with the log's tail, if it never does. */
        public ServiceProcess start() {
            Process process = launch();
            long deadline = System.nanoTime() + startup.toNanos();
            Integer port = null;
            while (System.nanoTime() < deadline) {
                String text = read(log);
                if (port == null) {
                    Matcher started = STARTED.matcher(text);
                    port = started.find() ? Integer.valueOf(started.group(1)) : null;
                }
                if (port != null && answers(port)) {
                    return new ServiceProcess(process, log, port);
                }
                if (!process.isAlive() || FAILED.matcher(text).find()) {
                    process.destroyForcibly();
                    waitFor(process, Duration.ofSeconds(30));
                    throw new IllegalStateException("the service did not start (exit "
                            + (process.isAlive() ? "-" : process.exitValue()) + "):\n" + tail(read(log)));
                }
                Poll.pause(Duration.ofMillis(100));
            }
            process.destroyForcibly();
            throw new IllegalStateException("the service did not start in " + startup + ":\n" + tail(read(log)));
        }

        /**
         * Starts a child armed with a recovery point and waits until it halts there: true then; false when it
         * finished its start instead (it is killed) or died of another cause.
         */
        public boolean haltsInRecovery() {
            Process process = launch();
            long deadline = System.nanoTime() + startup.toNanos();
            try {
                while (System.nanoTime() < deadline) {
                    if (!process.isAlive()) {
                        return read(log).contains("CRASH POINT REACHED IN RECOVERY: ");
                    }
                    if (STARTED.matcher(read(log)).find()) {
                        return false;
                    }
                    Poll.pause(Duration.ofMillis(100));
                }
                return false;
            } finally {
                process.destroyForcibly();
                waitFor(process, Duration.ofSeconds(30));
            }
        }

        /** Starts a child that is expected to stop by itself; the caller waits for it. */
        public Process launch() {
            // env resets SIGINT to its default: a build started in the background inherits it ignored, and a
            // JVM that starts with SIGINT ignored never sees a Ctrl-C.
            List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            ServiceClassPath classPath = ServiceClassPath.get();
            command.addAll(classPath.jvmOptions());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classPath.classPath(), "dev.diskfleet.DiskfleetApplication",
                    "--diskfleet.data-dir=" + dataDir, "--server.port=" + port,
                    "--diskfleet.security.admin-token=" + ADMIN_TOKEN, "--spring.main.banner-mode=off"));
            command.addAll(settings);
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                return new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static boolean answers(int port) {
            try {
                return new DiskfleetClient(port).get("/api/host").status() == 200;
            } catch (AssertionError | RuntimeException notYet) {
                return false;
            }
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A client that acts as the bootstrap admin. */
    public DiskfleetClient api() {
        return api;
    }

    public Process process() {
        return process;
    }

    public String log() {
        return read(log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash, an OOM kill or an operator's kill -9: no shutdown hook runs. */
    public void kill() {
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
    }

    /** Waits for the child to end by itself (a crash point halts it); false if it is still alive. */
    public boolean awaitDeath(Duration timeout) {
        return waitFor(process, timeout);
    }

    /** SIGTERM: Spring's orderly shutdown. Whether it exited by itself within a minute; if not, it is killed. */
    public boolean terminate() {
        return terminateForExitCode() != -1;
    }

    /** SIGTERM; the exit code, or -1 when it had to be killed after a minute. */
    public int terminateForExitCode() {
        process.destroy();
        return exitCodeWithinAMinute();
    }

    /** SIGINT, as Ctrl-C in its terminal sends; the exit code, or -1 when it had to be killed after a minute. */
    public int interrupt() {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return exitCodeWithinAMinute();
    }

    /** An orderly stop if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            terminate();
        }
    }

    private int exitCodeWithinAMinute() {
        if (waitFor(process, Duration.ofMinutes(1))) {
            return process.exitValue();
        }
        kill();
        return -1;
    }

    public static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last 40 lines, for a failure message. */
    public static String tail(String text) {
        String[] lines = text.split("\n");
        return Arrays.stream(lines).skip(Math.max(0, lines.length - 40)).collect(Collectors.joining("\n"));
    }
}
