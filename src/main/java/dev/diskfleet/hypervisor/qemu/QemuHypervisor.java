package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.hypervisor.ConsoleLog;
import dev.diskfleet.hypervisor.ConsoleTail;
import dev.diskfleet.hypervisor.GuestAlreadyRunningException;
import dev.diskfleet.hypervisor.GuestExit;
import dev.diskfleet.hypervisor.GuestExitListener;
import dev.diskfleet.hypervisor.GuestNetwork;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.GuestState;
import dev.diskfleet.hypervisor.HostInfo;
import dev.diskfleet.hypervisor.HostPortBusyException;
import dev.diskfleet.hypervisor.HostPortProbe;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.HypervisorException;
import dev.diskfleet.hypervisor.RunDirectory;
import dev.diskfleet.hypervisor.StopOutcome;
import dev.diskfleet.hypervisor.seed.SeedImageException;
import dev.diskfleet.hypervisor.seed.SeedImageTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One {@code qemu-system-x86_64} per running guest; see the package description. */
public final class QemuHypervisor implements Hypervisor {

    /** QEMU sets a guest up (opens its disks, binds its sockets) and detaches well within this. */
    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@code quit} may take before the process is killed. */
    private static final Duration QUIT_GRACE = Duration.ofSeconds(10);
    private static final Duration ADOPT_CONNECT = Duration.ofSeconds(5);

    private final QemuHost host;
    private final SeedImageTool seeds;
    private final Map<UUID, QemuGuest> guests = new ConcurrentHashMap<>();
    private final List<GuestExitListener> listeners = new CopyOnWriteArrayList<>();
    private final long consoleLogSize;
    private final ScheduledExecutorService consoleCaps;

    public QemuHypervisor(QemuHost host) {
        this(host, SeedImageTool.onPath());
    }

    public QemuHypervisor(QemuHost host, SeedImageTool seeds) {
        this(host, seeds, ConsoleLog.DEFAULT_SIZE);
    }

    /** @param consoleLogSize the bytes of console output kept per guest ({@link ConsoleLog#cap}) */
    public QemuHypervisor(QemuHost host, SeedImageTool seeds, long consoleLogSize) {
        this.host = host;
        this.seeds = seeds;
        this.consoleLogSize = consoleLogSize;
        this.consoleCaps = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-log-cap");
            thread.setDaemon(true);
            return thread;
        });
        consoleCaps.scheduleWithFixedDelay(this::capConsoleLogs, 1, 1, TimeUnit.SECONDS);
    }

    /** Keeps every running guest's console log within its size; a log that cannot be capped is logged. */
    private void capConsoleLogs() {
        for (QemuGuest guest : guests.values()) {
            try {
                ConsoleLog.cap(guest.dir().consoleLog(), consoleLogSize);
            } catch (RuntimeException e) {
                System.getLogger(QemuHypervisor.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot cap the console log of machine " + guest.machineId() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public void start(GuestSpec spec) {
        UUID id = spec.machineId();
        RunDirectory dir = new RunDirectory(spec.runDirectory());
        dir.create();
        if (guests.containsKey(id) || QemuProcess.fromPidFile(dir.pidFile())
                .filter(p -> p.alive() && p.runsGuestOf(id)).isPresent()) {
            throw new GuestAlreadyRunningException(id);
        }
        removeLeftovers(dir);
        ConsoleLog.startFresh(dir.consoleLog());
        HostPortProbe.requireFree(spec.network());
        if (spec.seed() != null) {
            try {
                seeds.write(spec.seed(), dir.seedImage());
            } catch (SeedImageException e) {
                throw new HypervisorException(e.getMessage(), e);
            }
        }
        QemuProcess process = launch(QemuCommandLine.build(host, spec, dir), dir, spec);
        QemuGuest guest = new QemuGuest(id, dir, process, this::guestExited);
        if (guests.putIfAbsent(id, guest) != null) {
            process.kill();
            throw new GuestAlreadyRunningException(id);
        }
        try {
            guest.connect();
            guest.monitor().execute("cont");
        } catch (RuntimeException e) {
            guest.markStopRequested();
            guest.release();
            process.kill();
            process.awaitExit(QUIT_GRACE);
            guests.remove(id, guest);
            throw new HypervisorException("QEMU for machine " + id + " started but could not be run", e);
        }
    }

    @Override
    public StopOutcome stop(UUID machineId, Duration timeout) {
        QemuGuest guest = guests.get(machineId);
        if (guest == null) {
            return StopOutcome.NOT_RUNNING;
        }
        try {
            guest.monitor().execute("system_powerdown");
        } catch (QmpException e) {
            // it may be exiting already; the wait below tells
        }
        if (guest.awaitExit(timeout) != null) {
            return StopOutcome.GUEST_POWERED_OFF;
        }
        hardStop(guest);
        return StopOutcome.HARD_AFTER_TIMEOUT;
    }

    @Override
    public StopOutcome forceStop(UUID machineId) {
        QemuGuest guest = guests.get(machineId);
        if (guest == null) {
            return StopOutcome.NOT_RUNNING;
        }
        hardStop(guest);
        return StopOutcome.HARD;
    }

    @Override
    public GuestState state(UUID machineId) {
        QemuGuest guest = guests.get(machineId);
        if (guest == null || guest.hasExited()) {
            return GuestState.STOPPED;
        }
        try {
            Object status = guest.monitor().execute("query-status");
            String runState = status instanceof Map<?, ?> map ? String.valueOf(map.get("status")) : "";
            return switch (runState) {
                case "running" -> GuestState.RUNNING;
                case "shutdown" -> GuestState.STOPPED;
                default -> GuestState.PAUSED;
            };
        } catch (QmpException e) {
            return guest.process().alive() ? GuestState.RUNNING : GuestState.STOPPED;
        }
    }

    @Override
    public List<UUID> runningGuests() {
        return List.copyOf(guests.keySet());
    }

    @Override
    public boolean adopt(UUID machineId, Path runDirectory) {
        if (guests.containsKey(machineId)) {
            return true;
        }
        RunDirectory dir = new RunDirectory(runDirectory);
        Optional<QemuProcess> process = QemuProcess.fromPidFile(dir.pidFile())
                .filter(p -> p.alive() && p.runsGuestOf(machineId));
        if (process.isEmpty()) {
            return false;
        }
        QemuGuest guest = new QemuGuest(machineId, dir, process.get(), this::guestExited);
        if (guests.putIfAbsent(machineId, guest) != null) {
            return true;
        }
        try {
            guest.connect();
        } catch (RuntimeException e) {
            guests.remove(machineId, guest);
            if (!process.get().alive()) {
                return false;
            }
            throw new HypervisorException("the guest of machine " + machineId + " runs as pid "
                    + process.get().pid() + " but its monitor " + dir.monitorSocket() + " does not answer", e);
        }
        return true;
    }

    @Override
    public boolean removeRunDirectory(UUID machineId, Path runDirectory) {
        RunDirectory dir = new RunDirectory(runDirectory);
        if (guests.containsKey(machineId) || QemuProcess.fromPidFile(dir.pidFile())
                .filter(p -> p.alive() && p.runsGuestOf(machineId)).isPresent()) {
            return false;
        }
        dir.delete();
        return true;
    }

    @Override
    public List<String> consoleTail(Path runDirectory, int lines) {
        return ConsoleTail.read(new RunDirectory(runDirectory).consoleLog(), lines);
    }

    @Override
    public void addExitListener(GuestExitListener listener) {
        listeners.add(listener);
    }

    @Override
    public HostInfo host() {
        return new HostInfo(name(), Optional.of(host.version()), host.accelerator());
    }

    @Override
    public void close() {
        consoleCaps.shutdownNow();
        guests.values().forEach(QemuGuest::release);
        guests.clear();
    }

    private void hardStop(QemuGuest guest) {
        guest.markStopRequested();
        try {
            guest.monitor().execute("quit");
        } catch (QmpException e) {
            // a monitor that does not answer is no reason to keep the guest: it is killed below
        }
        if (guest.awaitExit(QUIT_GRACE) == null) {
            guest.process().kill();
            if (guest.awaitExit(QUIT_GRACE) == null) {
                throw new HypervisorException("QEMU " + guest.process().pid() + " of machine "
                        + guest.machineId() + " survived SIGKILL");
            }
        }
    }

    private void guestExited(QemuGuest guest, GuestExit exit) {
        guests.remove(exit.machineId(), guest);
        try {
            // the seed may carry the user-data's secrets: it lives no longer than the guest that reads it
            Files.deleteIfExists(guest.dir().seedImage());
        } catch (IOException e) {
            // the next start replaces it, deleting the machine removes it
        }
        for (GuestExitListener listener : listeners) {
            try {
                listener.guestExited(exit);
            } catch (RuntimeException e) {
                // one listener's failure must not keep the others from learning of the exit
            }
        }
    }

    /** Runs QEMU's launcher, which exits once the daemonized guest process is set up. */
    private static QemuProcess launch(List<String> command, RunDirectory dir, GuestSpec spec) {
        UUID id = spec.machineId();
        try {
            Process launcher = new ProcessBuilder(command).directory(dir.path().toFile())
                    .redirectErrorStream(true).redirectOutput(dir.processLog().toFile()).start();
            launcher.getOutputStream().close();
            if (!launcher.waitFor(LAUNCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                QemuProcess.fromPidFile(dir.pidFile()).ifPresent(QemuProcess::kill);
                throw new HypervisorException("QEMU for machine " + id + " did not start within " + LAUNCH_TIMEOUT);
            }
            if (launcher.exitValue() != 0) {
                String output = Files.readString(dir.processLog()).strip();
                HypervisorException failure = new HypervisorException("QEMU for machine " + id
                        + " failed to start (exit " + launcher.exitValue() + "): " + output);
                throw busyForward(spec, output).<HypervisorException>map(forward ->
                        new HostPortBusyException(forward, failure)).orElse(failure);
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HypervisorException("interrupted starting QEMU for machine " + id, e);
        }
        return QemuProcess.fromPidFile(dir.pidFile()).orElseThrow(() -> new HypervisorException(
                "QEMU for machine " + id + " started but wrote no pid file " + dir.pidFile()));
    }

    /**
     * The forward QEMU could not bind, from its "Could not set up host forwarding rule 'tcp:ADDR:PORT-:GUEST'":
     * another process took the port between our probe and QEMU's bind.
     */
    static Optional<GuestNetwork.Forward> busyForward(GuestSpec spec, String qemuOutput) {
        String output = qemuOutput.toLowerCase(java.util.Locale.ROOT);
        if (!output.contains("host forwarding rule")) {
            return Optional.empty();
        }
        return spec.network().forwards().stream()
                .filter(forward -> output.contains("'" + QemuCommandLine.hostForward(forward) + "'"))
                .findFirst();
    }

    /** A socket or pid file of a guest that is gone would confuse QEMU and a later adopt. */
    private static void removeLeftovers(RunDirectory dir) {
        try {
            Files.deleteIfExists(dir.monitorSocket());
            Files.deleteIfExists(dir.pidFile());
            // a start without a seed (or whose seed cannot be built) leaves none of an earlier start behind
            Files.deleteIfExists(dir.seedImage());
        } catch (IOException e) {
            throw new HypervisorException("cannot clean the run directory " + dir.path(), e);
        }
    }
}
