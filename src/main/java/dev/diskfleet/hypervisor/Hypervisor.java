package dev.diskfleet.hypervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Runs guests, one per machine. A guest's state is taken from the guest itself (its process and its
 * monitor's events), never from the caller's bookkeeping; the run directory of its {@link GuestSpec} holds
 * everything needed to find it again after the service restarts.
 *
 * <p>Every driver keeps the promises of {@code HypervisorContractTest}.
 */
public interface Hypervisor extends AutoCloseable {

    /** The driver's name as the {@code diskfleet.hypervisor} setting spells it: {@code none}, {@code qemu}. */
    String name();

    /**
     * Defines the guest from {@code spec} and powers it on; returns once it runs.
     *
     * @throws GuestAlreadyRunningException when this machine's guest runs already (here or, found through
     *     its run directory, left by an earlier service)
     * @throws HypervisorException when the guest could not be started; nothing is left running then
     */
    void start(GuestSpec spec);

    /**
     * Asks the guest to power off (ACPI power button) and waits up to {@code timeout}; a guest still running
     * then is powered off hard. Returns once it no longer runs.
     */
    StopOutcome stop(UUID machineId, Duration timeout);

    /** Powers the guest off at once, as pulling the plug does. Returns once it no longer runs. */
    StopOutcome forceStop(UUID machineId);

    GuestState state(UUID machineId);

    /** The machines whose guests this driver runs or has adopted. */
    List<UUID> runningGuests();

    /**
     * Takes over a guest an earlier instance of the service started, from its run directory: if what the
     * directory records still runs and is that machine's guest, it is watched again from now on.
     *
     * @return {@code true} if the guest runs and is now adopted; {@code false} if it is gone (the caller
     *     marks the machine powered off)
     */
    boolean adopt(UUID machineId, Path runDirectory);

    /**
     * Removes the run directory of a machine that is gone (deleted): its console log, pid file and monitor
     * socket. A guest of that machine still running from it (started or adopted here, or left running by an
     * earlier service) keeps it: then nothing is removed and the answer is {@code false}.
     */
    boolean removeRunDirectory(UUID machineId, Path runDirectory);

    /** The last {@code lines} lines of the guest's console in its current or last boot; empty if none. */
    List<String> consoleTail(Path runDirectory, int lines);

    /** Called once each time a guest stops running, whatever the reason, on a thread of the driver's. */
    void addExitListener(GuestExitListener listener);

    /**
     * Whether a running guest has its disk files open itself: then nothing else may write them (or read
     * them through a cache of their block tables) until it stops. The {@code none} driver opens nothing.
     */
    default boolean holdsDisks() {
        return true;
    }

    HostInfo host();

    /**
     * Lets go of the guests without stopping them: they keep running when the service stops, to be adopted
     * by the next one.
     */
    @Override
    void close();
}
