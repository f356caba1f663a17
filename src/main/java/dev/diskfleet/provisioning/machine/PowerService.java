package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.PowerRules;
import dev.diskfleet.provisioning.event.Events;
import dev.diskfleet.provisioning.guest.Guests;
import dev.diskfleet.provisioning.guest.HostMemory;
import dev.diskfleet.provisioning.metrics.DiskfleetMeters;
import dev.diskfleet.provisioning.node.NodePlacement;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Power actions, through the hypervisor. Start empties autoReset media ({@link MachineDisks#powerOn}) and
 * then boots the guest; stop asks the guest to power off and records the machine powered off, so what
 * the guest wrote stays readable until the next start; reset is a hard power cycle. Each runs under the
 * machine's power lock and returns the machine as it is afterwards. A boot announces the machine running
 * (a power-off is announced where every one is recorded, {@link Guests}) and counts as a boot or a boot
 * failure.
 */
@Service
public class PowerService {

    /** How long a graceful stop waits for the guest before it powers off hard, unless the caller says. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    private final MachineRepository machines;
    private final MachineDisks disks;
    private final MachineService machineService;
    private final Guests guests;
    private final TransactionTemplate readOnly;
    private final Events events;
    private final DiskfleetMeters meters;
    private final HostMemory hostMemory;
    private final NodePlacement placement;
    private final TransactionTemplate tx;

    public PowerService(MachineRepository machines, MachineDisks disks, MachineService machineService, Guests guests,
            PlatformTransactionManager transactions, Events events, DiskfleetMeters meters, HostMemory hostMemory,
            NodePlacement placement) {
        this.hostMemory = hostMemory;
        this.placement = placement;
        this.tx = new TransactionTemplate(transactions);
        this.events = events;
        this.meters = meters;
        this.machines = machines;
        this.disks = disks;
        this.machineService = machineService;
        this.guests = guests;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * Powers on: autoReset media are emptied, then the guest boots; returns once it runs. A machine given
     * more memory than the host has is refused first (409), with nothing changed.
     */
    public MachineDetails start(UUID id) {
        return guests.withPowerLock(id, () -> {
            placement.requireHere(id);
            readOnly.executeWithoutResult(status -> hostMemory.requireFits(
                    machines.findById(id).orElseThrow(() -> new NotFoundException("machine", id))));
            // A machine without a node (in a cluster, one created without) is placed on the node that starts it.
            tx.executeWithoutResult(status -> placement.placeHereForStart(
                    machines.lockById(id).orElseThrow(() -> new NotFoundException("machine", id))));
            disks.powerOn(id, false);
            boot(id, "started");
            return machineService.get(id);
        });
    }

    /** A hard power cycle: the guest is powered off at once, autoReset media are emptied, it boots again. */
    public MachineDetails reset(UUID id) {
        return guests.withPowerLock(id, () -> {
            placement.requireHere(id);
            requireRunning(id, "reset");
            guests.stop(id, Duration.ZERO, true);
            disks.powerOn(id, false);
            boot(id, "reset");
            return machineService.get(id);
        });
    }

    /** A graceful stop with the default timeout. */
    public MachineDetails stop(UUID id) {
        return stop(id, DEFAULT_STOP_TIMEOUT, false);
    }

    /**
     * Asks the guest to power off (ACPI) and waits up to {@code timeout} before powering it off hard, or
     * powers it off hard at once ({@code force}).
     */
    public MachineDetails stop(UUID id, Duration timeout, boolean force) {
        return guests.withPowerLock(id, () -> {
            placement.requireHere(id);
            requireRunning(id, "stop");
            guests.stop(id, timeout, force);
            return machineService.get(id);
        });
    }

    /** What an action that accepts a machine already in the wanted state did: {@code changed} false if it was. */
    public record Outcome(MachineDetails machine, boolean changed) {
    }

    /**
     * Starts the machine unless it runs already; decided under its power lock, so a start racing another
     * finds the machine running rather than failing.
     */
    public Outcome startUnlessRunning(UUID id) {
        return guests.withPowerLock(id, () -> isRunning(id)
                ? new Outcome(machineService.get(id), false) : new Outcome(start(id), true));
    }

    /** Stops the machine ({@link #stop(UUID, Duration, boolean)}) unless it is powered off already. */
    public Outcome stopUnlessPoweredOff(UUID id, Duration timeout, boolean force) {
        return guests.withPowerLock(id, () -> isRunning(id)
                ? new Outcome(stop(id, timeout, force), true) : new Outcome(machineService.get(id), false));
    }

    private boolean isRunning(UUID id) {
        return Boolean.TRUE.equals(readOnly.execute(status -> machines.findById(id)
                .orElseThrow(() -> new NotFoundException("machine", id)).isRunning()));
    }

    private void boot(UUID id, String reason) {
        try {
            guests.boot(id);
        } catch (RuntimeException e) {
            meters.bootFailed();
            throw e;
        }
        meters.booted();
        events.machineState(id, "running", reason);
    }

    private void requireRunning(UUID id, String action) {
        readOnly.executeWithoutResult(status -> PowerRules.requireRunning(
                machines.findById(id).orElseThrow(() -> new NotFoundException("machine", id)), action));
    }
}
