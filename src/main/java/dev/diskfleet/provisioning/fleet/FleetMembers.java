package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.NaturalOrder;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.DiskTransaction;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.machine.MachineBatch;
import dev.diskfleet.domain.attachment.AttachmentPlan;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetMachineRepository;
import dev.diskfleet.domain.ExpectedVersion;
import dev.diskfleet.domain.machine.CloudInit;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.provisioning.machine.MachineService;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.provisioning.machine.PowerService;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A fleet's members through the machine feature's own service calls, so every machine rule (unique
 * names, locks, power-on resets) holds for fleet machines too.
 */
@Component
class FleetMembers {

    private static final Logger log = LoggerFactory.getLogger(FleetMembers.class);

    /** Where a member's own differencing disk is attached. */
    private static final int PORT = 0;
    private static final int DEVICE = 0;

    /** A member as a fleet operation reports it. */
    record Member(int ordinal, UUID machineId, String name, String state) {

        FleetOperationResult.Machine asResult() {
            return new FleetOperationResult.Machine(ordinal, name, machineId, state);
        }
    }

    private final MachineService machineService;
    private final MachineRepository machines;
    private final MachineBatch batch;
    private final JdbcTemplate jdbc;
    private final PowerService power;
    private final DiskTransaction disks;
    private final FleetMachineRepository links;
    private final ImageStore store;
    private final FileIntents intents;
    private final LocalNode localNode;

    FleetMembers(MachineService machineService, MachineRepository machines, MachineBatch batch, JdbcTemplate jdbc,
            PowerService power, DiskTransaction disks, FleetMachineRepository links, ImageStore store,
            FileIntents intents, LocalNode localNode) {
        this.intents = intents;
        this.localNode = localNode;
        this.store = store;
        this.machineService = machineService;
        this.machines = machines;
        this.batch = batch;
        this.jdbc = jdbc;
        this.power = power;
        this.disks = disks;
        this.links = links;
    }

    /**
     * Starts publishing {@code count} differencing disks on the fleet's base, in one batch (see
     * {@link ImageStore#createDifferencing(List, UUID)}) on a thread of its own, so that the files of
     * the next members are made while the rows of the current ones are written. Until a transaction of
     * {@link #createAll} journals them they belong to no row: {@link #discard} removes them if they are
     * not used, and after a killed process the next start removes them as unrecorded children of the base.
     */
    CompletableFuture<List<ImageSummary>> prepareDisks(Fleet fleet, int count) {
        List<UUID> ids = Stream.generate(UUID::randomUUID).limit(count).toList();
        // Declared before the files exist; settled when the batch's transaction completes (or at the next start).
        intents.declare("make", ids);
        return CompletableFuture.supplyAsync(() -> store.createDifferencing(ids, fleet.getBaseImageId()), task -> {
            Thread thread = new Thread(task, "fleet-disks-" + fleet.getId());
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** The prepared disks, or the failure that stopped them (a failed batch has removed its own files). */
    static List<ImageSummary> await(CompletableFuture<List<ImageSummary>> prepared) {
        try {
            return prepared.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Removes prepared disks that no member will use; waits for them first if they are still being made. */
    void discard(CompletableFuture<List<ImageSummary>> prepared) {
        if (prepared == null) {
            return;
        }
        try {
            discard(prepared.join());
        } catch (CompletionException failed) {
            // the batch failed and removed its own files
        }
    }

    private void discard(List<ImageSummary> prepared) {
        for (ImageSummary disk : prepared) {
            try {
                store.delete(disk.id());
            } catch (RuntimeException e) {
                log.warn("unused fleet disk {} could not be removed; the next start removes it", disk.id(), e);
                return;
            }
        }
        intents.settleNow(prepared.stream().map(ImageSummary::id).toList());
    }

    /**
     * Makes the members {@code ordinals} in one transaction, all or none, on the prepared disk files
     * {@code prepared} (one per ordinal): the files are journaled first, then the batch's rows are written
     * together ({@link MachineBatch}): the machines, their own differencing disks on the fleet's base
     * (immutable attachments) and their memberships, so there is never a machine without its disk or the
     * reverse. {@code made} hears of each member once the rows are written (still uncommitted); if anything
     * fails, including {@code made}, no row of the batch is committed and every file of the batch is deleted again.
     */
    List<Member> createAll(Fleet fleet, List<Integer> ordinals, List<ImageSummary> prepared, Consumer<Member> made) {
        AtomicBoolean journaled = new AtomicBoolean();
        try {
            return disks.run(files -> {
                prepared.forEach(disk -> files.made(disk.id()));
                journaled.set(true);
                CrashPoints.reach("fleet-members.batch-journaled");
                List<Machine> machines = writeRows(fleet, ordinals, prepared);
                List<Member> members = new ArrayList<>();
                for (int i = 0; i < ordinals.size(); i++) {
                    Member member = new Member(ordinals.get(i), machines.get(i).getId(), machines.get(i).getName(),
                            MachineState.POWERED_OFF.apiName());
                    members.add(member);
                    made.accept(member);
                    CrashPoints.reach("fleet-members.member-rows-written");
                }
                return members;
            });
        } catch (RuntimeException e) {
            if (!journaled.get()) {
                discard(prepared);
            }
            throw e;
        }
    }

    /**
     * The rows of the members {@code ordinals} on their disks {@code prepared}, in the caller's transaction:
     * machines, their disks and attachments ({@link MachineBatch}), then the memberships, one batch each.
     */
    List<Machine> writeRows(Fleet fleet, List<Integer> ordinals, List<ImageSummary> prepared) {
        List<Machine> machines = batch.create(ordinals.stream().map(ordinal -> new MachineBatch.NewMachine(
                fleet.machineName(ordinal), "machine " + ordinal + " of fleet " + fleet.getName())).toList(),
                new MachineBatch.Shape(fleet.getMemberCpus(), fleet.getMemberMemoryMb(), fleet.memberCloudInit(),
                        fleet.memberNetwork(), new AttachmentPlan(fleet.getBaseImageId(), PORT, DEVICE,
                                fleet.isAutoReset()), localNode.name()), prepared);
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.batchUpdate("INSERT INTO fleet_machines (machine_id, fleet_id, ordinal, created_at, updated_at,"
                + " version) VALUES (?, ?, ?, ?, ?, 0)", IntStream.range(0, ordinals.size()).mapToObj(i ->
                new Object[] {machines.get(i).getId(), fleet.getId(), ordinals.get(i), now, now}).toList());
        return machines;
    }

    Member start(Member member) {
        return new Member(member.ordinal(), member.machineId(), member.name(),
                power.start(member.machineId()).machine().getState().apiName());
    }

    /**
     * Removes a member: stopped if running, then deleted with its own disk; its membership row goes with it.
     * Whether it still runs is decided again under its power lock: a fleet stop racing this removal may have
     * powered it off since it was read, which is no reason to fail.
     */
    void remove(UUID machineId) {
        Machine machine = machines.findById(machineId).orElse(null);
        if (machine == null) {
            links.findById(machineId).ifPresent(links::delete);
            return;
        }
        if (machine.isRunning()) {
            power.stopUnlessPoweredOff(machineId, java.time.Duration.ZERO, true);
        }
        machineService.delete(machineId, ExpectedVersion.ANY);
    }

    /** 400 or 413, before anything is made, when the members' cloud-init setting breaks a rule. */
    void checkCloudInit(CloudInit cloudInit) {
        machineService.checkCloudInit(cloudInit);
    }

    /** 409 naming the machines that already have one of these names. */
    void requireNamesFree(Collection<String> names) {
        batch.requireNamesFree(names);
    }

    /** 409 naming the running machines among these members, unless there are none. */
    void requireStopped(List<FleetMachine> members, String action) {
        List<String> running = machines.findAllById(members.stream().map(FleetMachine::getMachineId).toList())
                .stream().filter(Machine::isRunning).map(Machine::getName).sorted(NaturalOrder.NAMES).toList();
        if (!running.isEmpty()) {
            throw new ConflictException("machines-running", "cannot " + action + ": machines " + running
                    + " are running; stop them first, or add ?force=true to stop them as part of this request");
        }
    }
}
