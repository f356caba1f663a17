package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetPowerAction;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.provisioning.machine.MachineDetails;
import dev.diskfleet.provisioning.machine.PowerService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.stereotype.Service;

/**
 * Runs a power action on every member of a fleet, {@link #PARALLELISM} members at a time, and reports each
 * outcome in member order. Bounded, because each boot is a QEMU process starting (and under TCG a CPU-hungry
 * one), and each graceful stop may wait for its guest.
 */
@Service
public class FleetPower {

    static final int PARALLELISM = 4;

    private final FleetCatalog catalog;
    private final MachineRepository machines;
    private final PowerService power;
    private final FleetActivity activity;

    public FleetPower(FleetCatalog catalog, MachineRepository machines, PowerService power, FleetActivity activity) {
        this.activity = activity;
        this.catalog = catalog;
        this.machines = machines;
        this.power = power;
    }

    /** What one member's action did: its state afterwards, or the failure (with the state it was left in). */
    public record MemberOutcome(int ordinal, UUID machineId, String name, MachineState state,
            RuntimeException failure) {

        public boolean ok() {
            return failure == null;
        }
    }

    public List<MemberOutcome> apply(UUID fleetId, FleetPowerAction action) {
        return apply(fleetId, action, PowerService.DEFAULT_STOP_TIMEOUT, false);
    }

    /**
     * Applies {@code action} to each member; a failure on one is reported in its outcome and does not stop
     * the others. A reset starts a powered-off member (a power cycle of a machine that is off is a
     * power-on); start and stop report machines already in that state as failed with the conflict the
     * machine rules give. A stop waits up to {@code stopTimeout} for each guest, or is hard with
     * {@code force}.
     */
    public List<MemberOutcome> apply(UUID fleetId, FleetPowerAction action, Duration stopTimeout, boolean force) {
        // Checked before and after registering: before for the state's own message, after for a delete or
        // scale that claimed the fleet in between.
        activity.beginPower(catalog.requireReady(fleetId, action.apiName()), action.apiName());
        try {
            return applyToMembers(catalog.requireReady(fleetId, action.apiName()), action, stopTimeout, force);
        } finally {
            activity.endPower(fleetId);
        }
    }

    private List<MemberOutcome> applyToMembers(Fleet fleet, FleetPowerAction action, Duration stopTimeout,
            boolean force) {
        UUID fleetId = fleet.getId();
        List<FleetMachine> members = catalog.members(fleetId);
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLELISM, members.size())),
                runnable -> {
                    Thread thread = new Thread(runnable, "fleet-power-" + fleetId.toString().substring(0, 8));
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<CompletableFuture<MemberOutcome>> outcomes = new ArrayList<>();
            for (FleetMachine member : members) {
                outcomes.add(CompletableFuture.supplyAsync(() -> applyTo(fleet, member, action, stopTimeout, force),
                        workers));
            }
            return outcomes.stream().map(CompletableFuture::join).toList();
        } finally {
            workers.shutdown();
        }
    }

    private MemberOutcome applyTo(Fleet fleet, FleetMachine member, FleetPowerAction action, Duration stopTimeout,
            boolean force) {
        UUID id = member.getMachineId();
        try {
            MachineDetails after = switch (action) {
                case START -> power.start(id);
                case STOP -> power.stop(id, stopTimeout, force);
                case RESET -> machines.findById(id).map(Machine::isRunning).orElse(false)
                        ? power.reset(id) : power.start(id);
            };
            return new MemberOutcome(member.getOrdinal(), id, after.machine().getName(), after.machine().getState(),
                    null);
        } catch (RuntimeException e) {
            MachineState state = machines.findById(id).map(Machine::getState).orElse(null);
            return new MemberOutcome(member.getOrdinal(), id, fleet.machineName(member.getOrdinal()), state, e);
        }
    }
}
