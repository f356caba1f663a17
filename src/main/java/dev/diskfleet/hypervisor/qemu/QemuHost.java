package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.hypervisor.Accelerator;
import dev.diskfleet.hypervisor.HypervisorException;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The QEMU binary, its version, the accelerator guests get and why ({@code acceleratorReason}: what was
 * found, or why KVM was refused, for the log). Detect once per service: the KVM probe takes up to
 * {@link #KVM_PROBE_SECONDS} seconds.
 */
public record QemuHost(Path binary, String version, Accelerator accelerator, String acceleratorReason) {

    public QemuHost(Path binary, String version, Accelerator accelerator) {
        this(binary, version, accelerator, "");
    }

    public static final String BINARY_NAME = "qemu-system-x86_64";

    /**
     * A machine with KVM runs the probe's kernel in well under a second. On a host where /dev/kvm exists
     * but does not really work the probe hangs or fails ({@link KvmProbe}): that host gets TCG.
     */
    static final int KVM_PROBE_SECONDS = 3;
    private static final Pattern VERSION = Pattern.compile("version (\\d+\\.\\d+(?:\\.\\d+)?)");

    /** {@code qemu-system-x86_64} as found on the PATH. */
    public static Optional<Path> findOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, BINARY_NAME);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static QemuHost detect(Path binary) {
        String version = version(binary);
        Optional<String> refusal = kvmRefusal(Path.of("/dev/kvm"),
                device -> KvmProbe.failure(binary, KVM_PROBE_SECONDS, QemuHost::probeRun));
        return refusal.map(why -> new QemuHost(binary, version, Accelerator.TCG, "KVM refused: " + why))
                .orElseGet(() -> new QemuHost(binary, version, Accelerator.KVM, "/dev/kvm opens and runs the KVM probe"));
    }

    static String version(Path binary) {
        Outcome outcome = run(List.of(binary.toString(), "--version"), 30);
        Matcher matcher = VERSION.matcher(outcome.output());
        if (outcome.exitCode() != 0 || !matcher.find()) {
            throw new HypervisorException(binary + " --version did not name a version: " + outcome.output());
        }
        return matcher.group(1);
    }

    /**
     * Why guests cannot have KVM here, or empty when they can: the device must exist and open for reading
     * and writing, and then the probe must pass ({@code probe}, see {@link KvmProbe}).
     */
    static Optional<String> kvmRefusal(Path device, Function<Path, Optional<String>> probe) {
        if (!Files.exists(device)) {
            return Optional.of(device + " does not exist (no hardware virtualisation on this host, the kvm module"
                    + " is not loaded, or a container was not given the device)");
        }
        try (FileChannel opened = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // Opened and closed only: QEMU opens it again for each guest.
        } catch (IOException | SecurityException e) {
            return Optional.of("cannot open " + device + " for reading and writing: " + e
                    + " (the service's user needs to be in the device's group, usually kvm)");
        }
        return probe.apply(device);
    }

    private static KvmProbe.Run probeRun(List<String> command, int seconds) {
        Outcome outcome = run(command, seconds);
        return new KvmProbe.Run(outcome.exitCode(), outcome.output());
    }

    private record Outcome(int exitCode, String output) {
    }

    /** Runs a short command; one that outlives {@code seconds} is killed and reported as exit code -1. */
    private static Outcome run(List<String> command, int seconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Outcome(-1, "");
            }
            return new Outcome(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HypervisorException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted running " + command.get(0), e);
        }
    }
}
