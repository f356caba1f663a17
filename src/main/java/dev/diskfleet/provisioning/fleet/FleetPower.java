package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetPowerAction;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.provisioning.machine.PowerService;
import dev.diskfleet.provisioning.operation.FailureDescriber;
import dev.diskfleet.provisioning.operation.OperationContext;
import dev.diskfleet.provisioning.operation.OperationFailure;
import dev.diskfleet.provisioning.operation.OperationOutcome;
import dev.diskfleet.provisioning.operation.OperationRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * Runs a power action on every member of a fleet as an operation ({@code fleet.start}, {@code fleet.stop},
 * {@code fleet.reset}), {@link #PARALLELISM} members at a time, and reports each member's outcome as it
 * ends. Bounded, because each boot is a QEMU process starting (and under TCG a CPU-hungry one), and each
 * graceful stop may wait its whole timeout for a guest that ignores ACPI: a client follows the members
 * one by one instead of waiting for all of them in one request.
 */
@Service
public class FleetPower {

    /** Members acted on at once. */
    public static final int PARALLELISM = 4;
    /** Fleet result lines listing failed members name at most this many; the result document has them all. */
    private static final int FAILURES_NAMED = 3;

    private final FleetCatalog catalog;
    private final MachineRepository machines;
    private final PowerService power;
    private final FleetActivity activity;
    private final OperationRunner runner;
    private final FailureDescriber failures;
    private final FleetNodes nodes;

    /**
     * Another node's request for a power action on a member this node holds: the action by its name
     * ({@code START}, {@code STOP}, {@code RESET}), how long a graceful stop may wait, whether it is hard.
     */
    public record MemberPowerRequest(String action, long stopTimeoutMillis, boolean force) {
    }

    /** How a power action left one member: its name and state, and whether it changed anything. */
    public record MemberPower(String name, String state, boolean changed) {
    }

    FleetPower(FleetCatalog catalog, MachineRepository machines, PowerService power, FleetActivity activity,
            OperationRunner runner, FailureDescriber failures, FleetNodes nodes) {
        this.nodes = nodes;
        this.activity = activity;
        this.catalog = catalog;
        this.machines = machines;
        this.power = power;
        this.runner = runner;
        this.failures = failures;
    }

    /**
     * Checks at once that the fleet is ready and not being scaled or deleted (409 otherwise), then applies
     * {@code action} to each member in an operation. A failure on one member is reported in its entry and
     * does not stop the others; the operation fails, naming them, when any member failed. A member already
     * in the wanted state is {@code unchanged}, so a script may send a start or stop twice. A reset starts a
     * powered-off member (a power cycle of a machine that is off is a power-on). A stop waits up to
     * {@code stopTimeout} for each guest, or is hard with {@code force}.
     */
    public Operation submit(UUID fleetId, FleetPowerAction action, Duration stopTimeout, boolean force) {
        // Checked before and after registering: before for the state's own message, after for a delete or
        // scale that claimed the fleet in between.
        activity.beginPower(catalog.requireReady(fleetId, action.apiName()), action.apiName());
        try {
            Fleet fleet = catalog.requireReady(fleetId, action.apiName());
            return runner.submit("fleet." + action.apiName(), fleetId, context -> {
                try {
                    return applyToMembers(fleet, action, stopTimeout, force, context);
                } finally {
                    activity.endPower(fleetId);
                }
            });
        } catch (RuntimeException e) {
            activity.endPower(fleetId);
            throw e;
        }
    }

    private OperationOutcome applyToMembers(Fleet fleet, FleetPowerAction action, Duration stopTimeout,
            boolean force, OperationContext context) {
        UUID fleetId = fleet.getId();
        List<FleetMachine> members = catalog.members(fleetId);
        // Each member runs on its own node: the node that runs the operation asks the others for theirs.
        Map<UUID, String> holders = new HashMap<>();
        nodes.holders(members.stream().map(FleetMachine::getMachineId).toList())
                .forEach((node, ids) -> ids.forEach(id -> holders.put(id, node)));
        Progress progress = new Progress(FleetPowerResult.pending(fleetId, action.apiName(), members.stream()
                .map(member -> new FleetPowerResult.Member(member.getOrdinal(), fleet.machineName(member.getOrdinal()),
                        member.getMachineId(), FleetPowerResult.PENDING, null, null)).toList()), context);
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLELISM, members.size())),
                runnable -> {
                    Thread thread = new Thread(runnable, "fleet-power-" + fleetId.toString().substring(0, 8));
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<CompletableFuture<Void>> ends = new ArrayList<>();
            for (FleetMachine member : members) {
                ends.add(CompletableFuture.runAsync(
                        () -> progress.ended(applyTo(fleet, member, holders.get(member.getMachineId()), action,
                                stopTimeout, force)), workers));
            }
            ends.forEach(CompletableFuture::join);
        } finally {
            workers.shutdown();
        }
        FleetPowerResult result = progress.current();
        if (result.failed() > 0) {
            throw new OperationFailure(incomplete(fleet, result), result);
        }
        return new OperationOutcome("/api/fleets/" + fleetId, result);
    }

    private FleetPowerResult.Member applyTo(Fleet fleet, FleetMachine member, String holder, FleetPowerAction action,
            Duration stopTimeout, boolean force) {
        UUID id = member.getMachineId();
        try {
            MemberPower outcome = holder.equals(nodes.localNode()) ? applyHere(id, action, stopTimeout, force)
                    : nodes.powerOn(holder, id, action, stopTimeout, force);
            return new FleetPowerResult.Member(member.getOrdinal(), outcome.name(), id,
                    outcome.changed() ? FleetPowerResult.SUCCEEDED : FleetPowerResult.UNCHANGED, outcome.state(), null);
        } catch (RuntimeException e) {
            String state = machines.findById(id).map(machine -> machine.getState().apiName()).orElse(null);
            return new FleetPowerResult.Member(member.getOrdinal(), fleet.machineName(member.getOrdinal()), id,
                    FleetPowerResult.FAILED, state, failures.describe(e));
        }
    }

    /** The same, as another node asks it. */
    public MemberPower applyHere(UUID id, MemberPowerRequest request) {
        return applyHere(id, FleetPowerAction.valueOf(request.action()), Duration.ofMillis(request.stopTimeoutMillis()),
                request.force());
    }

    /**
     * A fleet's power action on one member this node holds: a start or stop that finds it so already changes
     * nothing; a reset starts a powered-off member.
     */
    MemberPower applyHere(UUID id, FleetPowerAction action, Duration stopTimeout, boolean force) {
        PowerService.Outcome outcome = switch (action) {
            case START -> power.startUnlessRunning(id);
            case STOP -> power.stopUnlessPoweredOff(id, stopTimeout, force);
            case RESET -> new PowerService.Outcome(machines.findById(id).map(Machine::isRunning).orElse(false)
                    ? power.reset(id) : power.start(id), true);
        };
        Machine after = outcome.machine().machine();
        return new MemberPower(after.getName(), after.getState().apiName(), outcome.changed());
    }

    private static ConflictException incomplete(Fleet fleet, FleetPowerResult result) {
        List<FleetPowerResult.Member> failed = result.failures();
        String named = failed.stream().limit(FAILURES_NAMED)
                .map(member -> member.name() + " (" + member.error().detail() + ")").collect(Collectors.joining("; "));
        return new ConflictException("fleet-power-incomplete", result.action() + " of fleet " + fleet.getName()
                + " failed on " + failed.size() + " of " + result.total() + " machines: " + named
                + (failed.size() > FAILURES_NAMED ? "; …" : "")
                + "; the operation's result lists every machine, send the request again once the cause is fixed");
    }

    /** The result document as members end, written to the operation in the order they end. */
    private static final class Progress {

        private FleetPowerResult current;
        private final OperationContext context;

        Progress(FleetPowerResult start, OperationContext context) {
            this.current = start;
            this.context = context;
            context.report(start.percentDone(), start);
        }

        synchronized void ended(FleetPowerResult.Member member) {
            current = current.with(member);
            context.report(current.percentDone(), current);
        }

        synchronized FleetPowerResult current() {
            return current;
        }
    }
}
