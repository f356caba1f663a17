package dev.diskfleet.provisioning.guest;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.NaturalOrder;
import dev.diskfleet.domain.machine.LastExit;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.hypervisor.ExitReason;
import dev.diskfleet.hypervisor.GuestExit;
import dev.diskfleet.hypervisor.GuestState;
import dev.diskfleet.hypervisor.HostPortBusyException;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.HypervisorException;
import dev.diskfleet.hypervisor.StopOutcome;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.event.Events;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The guests of machines, and what they do to the machines' rows. Power actions on one machine run one
 * at a time under its power lock ({@link #withPowerLock}); a guest's exit is recorded on the machine under
 * the same lock, on a thread of its own (the driver's watcher must not wait for a lock a stop holds while
 * it waits for that very exit). A recorded exit is dropped when the machine has a guest running again by
 * then: it belonged to an earlier run.
 */
@Service
public class Guests {

    private static final Logger LOG = LoggerFactory.getLogger(Guests.class);
    private static final long POWER_LOCK_SECONDS = 120;

    private final Hypervisor hypervisor;
    private final GuestSpecs specs;
    private final GuestRunDirectories runDirectories;
    private final MachineRepository machines;
    private final TransactionTemplate tx;
    private final boolean stopGuestsOnShutdown;
    private final PowerLocks powerLocks = new PowerLocks(Duration.ofSeconds(POWER_LOCK_SECONDS));
    private final ExecutorService exitRecorder = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "guest-exits");
        thread.setDaemon(true);
        return thread;
    });

    private final Events events;
    private final LocalNode local;
    private final boolean cluster;

    public Guests(Hypervisor hypervisor, GuestSpecs specs, GuestRunDirectories runDirectories,
            MachineRepository machines, PlatformTransactionManager transactions, Events events, LocalNode local,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster,
            @Value("${diskfleet.hypervisor.stop-guests-on-shutdown:false}") boolean stopGuestsOnShutdown) {
        this.events = events;
        this.local = local;
        this.cluster = cluster;
        this.stopGuestsOnShutdown = stopGuestsOnShutdown;
        this.hypervisor = hypervisor;
        this.specs = specs;
        this.runDirectories = runDirectories;
        this.machines = machines;
        this.tx = new TransactionTemplate(transactions);
        hypervisor.addExitListener(exit -> exitRecorder.execute(() -> record(exit)));
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** Runs a power action with the machine's power lock held: power actions on one machine never interleave. */
    public <T> T withPowerLock(UUID machineId, Supplier<T> work) {
        return powerLocks.with(machineId, work);
    }

    /**
     * Boots the machine's guest (the machine row says running already, its autoReset disks are empty);
     * returns once it runs. A failure is recorded on the machine, which is powered off again.
     */
    public void boot(UUID machineId) {
        Machine machine = machines.findById(machineId).orElseThrow();
        try {
            hypervisor.start(specs.of(machine, hypervisor.holdsDisks()));
        } catch (RuntimeException e) {
            // Whatever failed (a disk that cannot be exported, QEMU refusing its command line), the machine
            // must not stay recorded running without a guest.
            specs.released(machineId);
            end(machineId, new LastExit("failedToStart", String.valueOf(e.getMessage()), OffsetDateTime.now(),
                    hypervisor.consoleTail(runDirectories.of(machineId), 20)));
            if (e instanceof DomainException) {
                throw e;
            }
            if (e instanceof HostPortBusyException busy) {
                throw new ConflictException("host-port-busy", "cannot start machine " + machine.label() + ": "
                        + busy.getMessage() + "; stop that process, or give the forward another hostPort (PATCH the"
                        + " machine's network)");
            }
            throw new GuestStartFailedException(machine.label(), e);
        }
    }

    /** Stops the guest (ACPI, then hard after {@code timeout}; or hard at once) and powers the machine off. */
    public StopOutcome stop(UUID machineId, Duration timeout, boolean force) {
        StopOutcome outcome = force ? hypervisor.forceStop(machineId) : hypervisor.stop(machineId, timeout);
        specs.released(machineId);
        String detail = switch (outcome) {
            case GUEST_POWERED_OFF -> "the guest powered off when asked to (ACPI)";
            case HARD_AFTER_TIMEOUT -> "the guest ignored the ACPI power button for " + timeout.toSeconds()
                    + " s and was powered off hard";
            case HARD -> "powered off hard (force)";
            case NOT_RUNNING -> "no guest was running";
        };
        end(machineId, new LastExit("stoppedByHost", detail, OffsetDateTime.now(), List.of()));
        return outcome;
    }

    /**
     * At startup, for a machine recorded running (or unknown: this node was lost meanwhile): takes over its guest
     * if it still runs (an unknown machine is running again), else powers the machine off. Returns whether it
     * was adopted.
     */
    public boolean adopt(UUID machineId) {
        boolean adopted;
        try {
            adopted = hypervisor.adopt(machineId, runDirectories.of(machineId));
        } catch (HypervisorException e) {
            LOG.warn("cannot adopt the guest of machine {}: {}", machineId, e.getMessage());
            adopted = false;
        }
        if (adopted) {
            try {
                specs.reexport(machineId);
            } catch (RuntimeException e) {
                LOG.warn("adopted the guest of machine {} but cannot export its VDI disks again: {}", machineId,
                        e.toString());
            }
            tx.executeWithoutResult(status -> machines.lockById(machineId).filter(Machine::isUnknown)
                    .ifPresent(machine -> {
                        machine.setState(MachineState.RUNNING);
                        events.machineState(machineId, "running", "nodeBack");
                    }));
            return true;
        }
        end(machineId, new LastExit("goneWhileServiceWasDown", "its guest was no longer running when the"
                + " service started", OffsetDateTime.now(), hypervisor.consoleTail(runDirectories.of(machineId), 20)));
        return false;
    }

    /**
     * At startup, a guest this node still runs of a machine the database has since given to another node (it
     * was started there while this node was lost): it is powered off hard, so the machine never runs twice,
     * and its run directory goes. Its exit changes nothing on the machine, which is the other node's now.
     * Returns whether a guest was running.
     */
    public boolean powerOffStale(UUID machineId) {
        return withPowerLock(machineId, () -> {
            boolean running;
            try {
                running = hypervisor.adopt(machineId, runDirectories.of(machineId));
                if (running) {
                    hypervisor.forceStop(machineId);
                    specs.released(machineId);
                }
                hypervisor.removeRunDirectory(machineId, runDirectories.of(machineId));
            } catch (HypervisorException e) {
                LOG.warn("cannot power off the stale guest of machine {}: {}", machineId, e.getMessage());
                return false;
            }
            return running;
        });
    }

    /**
     * After the machine is deleted its run directory goes too (console log, pid file, monitor socket). A
     * guest of it that still runs keeps the directory, so that it can still be found: the machine was
     * recorded powered off, so that can only be a guest the service failed to adopt; a warning names it.
     * A failure is only logged: the machine is gone already, and the next start removes what is left.
     */
    public void removeRunDirectory(UUID machineId) {
        withPowerLock(machineId, () -> {
            try {
                if (!hypervisor.removeRunDirectory(machineId, runDirectories.of(machineId))) {
                    LOG.warn("machine {} is deleted but a guest of it still runs; its run directory {} stays",
                            machineId, runDirectories.of(machineId));
                }
            } catch (HypervisorException e) {
                LOG.warn("cannot remove the run directory of deleted machine {}: {}", machineId, e.getMessage());
            }
            return null;
        });
    }

    /** The hypervisor, this host's CPUs and memory, and the guests running now (by machine name). */
    public HostDetails host() {
        List<HostDetails.RunningGuest> running = hypervisor.runningGuests().stream()
                .map(id -> new HostDetails.RunningGuest(id, machines.findById(id).map(Machine::getName).orElse(null)))
                .sorted(Comparator.comparing(guest -> String.valueOf(guest.name()), NaturalOrder.NAMES))
                .toList();
        return new HostDetails(hypervisor.host(), Runtime.getRuntime().availableProcessors(), HostMemory.totalBytes(),
                running);
    }

    /** The last {@code lines} console lines of the machine's current or last boot. */
    public List<String> console(UUID machineId, int lines) {
        return hypervisor.consoleTail(runDirectories.of(machineId), lines);
    }

    private void record(GuestExit exit) {
        UUID machineId = exit.machineId();
        try {
            withPowerLock(machineId, () -> {
                if (hypervisor.state(machineId) != GuestState.STOPPED) {
                    return null; // a newer run of this machine: the exit was an earlier one's
                }
                specs.released(machineId);
                end(machineId, new LastExit(apiName(exit.reason()), exit.detail(), OffsetDateTime.now(),
                        exit.reason().abnormal() ? exit.lastConsoleLines() : List.of()));
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot record the exit of machine {}'s guest ({}): {}", machineId, exit, e.toString());
        }
    }

    /**
     * Powers the machine off with {@code exit}, if it is recorded running or unknown (a stop's own exit finds it
     * off) and is this node's: in a cluster, the exit of a stale guest of a machine that another node runs now
     * is not that machine's.
     */
    private void end(UUID machineId, LastExit exit) {
        tx.executeWithoutResult(status -> machines.lockById(machineId).ifPresent(machine -> {
            boolean elsewhere = cluster && machine.getNode() != null && !machine.getNode().equals(local.name());
            if ((machine.isRunning() || machine.isUnknown()) && !elsewhere) {
                machine.guestEnded(exit);
                events.machineState(machineId, "poweredOff", exit.reason());
            }
        }));
    }

    private static String apiName(ExitReason reason) {
        return switch (reason) {
            case GUEST_POWERED_OFF -> "guestPoweredOff";
            case GUEST_REBOOTED -> "guestRebooted";
            case STOPPED_BY_HOST -> "stoppedByHost";
            case ABNORMAL -> "abnormal";
        };
    }

    /**
     * Guests keep running when the service stops, for the next one to adopt, unless
     * {@code diskfleet.hypervisor.stop-guests-on-shutdown=true}: then each is powered off hard and its machine
     * recorded powered off. Runs before the driver and the database go away.
     */
    @PreDestroy
    void shutdown() {
        if (stopGuestsOnShutdown) {
            for (UUID machineId : hypervisor.runningGuests()) {
                try {
                    withPowerLock(machineId, () -> stop(machineId, Duration.ZERO, true));
                } catch (RuntimeException e) {
                    LOG.warn("cannot stop the guest of machine {} at shutdown: {}", machineId, e.toString());
                }
            }
        }
        exitRecorder.shutdown();
    }
}
