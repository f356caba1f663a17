package dev.diskfleet.hypervisor.none;

import dev.diskfleet.storage.PrivateFiles;

import dev.diskfleet.hypervisor.Accelerator;
import dev.diskfleet.hypervisor.ConsoleTail;
import dev.diskfleet.hypervisor.ExitReason;
import dev.diskfleet.hypervisor.GuestAlreadyRunningException;
import dev.diskfleet.hypervisor.GuestExit;
import dev.diskfleet.hypervisor.GuestExitListener;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.GuestState;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.HypervisorException;
import dev.diskfleet.hypervisor.HostInfo;
import dev.diskfleet.hypervisor.HostPortProbe;
import dev.diskfleet.hypervisor.RunDirectory;
import dev.diskfleet.hypervisor.StopOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records guests as running without running anything. A start that QEMU would refuse because a forward's
 * host port is held is refused here too, so that the service behaves alike under both drivers.
 */
public final class RecordsOnlyHypervisor implements Hypervisor {

    private final Map<UUID, RunDirectory> running = new ConcurrentHashMap<>();
    private final List<GuestExitListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "none";
    }

    @Override
    public void start(GuestSpec spec) {
        RunDirectory dir = new RunDirectory(spec.runDirectory());
        if (running.containsKey(spec.machineId()) || recorded(dir).filter(spec.machineId()::equals).isPresent()) {
            throw new GuestAlreadyRunningException(spec.machineId());
        }
        HostPortProbe.requireFree(spec.network());
        dir.create();
        try {
            Files.writeString(dir.record(), spec.machineId().toString(), StandardCharsets.UTF_8);
            PrivateFiles.restrict(dir.record());
        } catch (IOException e) {
            throw new HypervisorException("cannot record the guest of machine " + spec.machineId(), e);
        }
        running.put(spec.machineId(), dir);
    }

    @Override
    public StopOutcome stop(UUID machineId, Duration timeout) {
        return end(machineId) ? StopOutcome.GUEST_POWERED_OFF : StopOutcome.NOT_RUNNING;
    }

    @Override
    public StopOutcome forceStop(UUID machineId) {
        return end(machineId) ? StopOutcome.HARD : StopOutcome.NOT_RUNNING;
    }

    @Override
    public GuestState state(UUID machineId) {
        return running.containsKey(machineId) ? GuestState.RUNNING : GuestState.STOPPED;
    }

    @Override
    public List<UUID> runningGuests() {
        return List.copyOf(running.keySet());
    }

    @Override
    public boolean adopt(UUID machineId, Path runDirectory) {
        RunDirectory dir = new RunDirectory(runDirectory);
        if (recorded(dir).filter(machineId::equals).isEmpty()) {
            return false;
        }
        running.put(machineId, dir);
        return true;
    }

    @Override
    public boolean removeRunDirectory(UUID machineId, Path runDirectory) {
        RunDirectory dir = new RunDirectory(runDirectory);
        if (running.containsKey(machineId) || recorded(dir).filter(machineId::equals).isPresent()) {
            return false;
        }
        dir.delete();
        return true;
    }

    @Override
    /** No guest writes one here, but a console log in the run directory is read as under any driver. */
    public List<String> consoleTail(Path runDirectory, int lines) {
        return ConsoleTail.read(new RunDirectory(runDirectory).consoleLog(), lines);
    }

    @Override
    public void addExitListener(GuestExitListener listener) {
        listeners.add(listener);
    }

    @Override
    public boolean holdsDisks() {
        return false;
    }

    @Override
    public HostInfo host() {
        return new HostInfo(name(), Optional.empty(), Accelerator.NONE);
    }

    @Override
    public void close() {
        running.clear();
    }

    private boolean end(UUID machineId) {
        RunDirectory dir = running.remove(machineId);
        if (dir == null) {
            return false;
        }
        try {
            Files.deleteIfExists(dir.record());
        } catch (IOException e) {
            throw new HypervisorException("cannot remove the record of machine " + machineId, e);
        }
        GuestExit exit = new GuestExit(machineId, ExitReason.STOPPED_BY_HOST, "stopped", List.of());
        listeners.forEach(listener -> listener.guestExited(exit));
        return true;
    }

    private static Optional<UUID> recorded(RunDirectory dir) {
        try {
            return Optional.of(UUID.fromString(Files.readString(dir.record(), StandardCharsets.UTF_8).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
