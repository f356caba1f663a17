package dev.diskfleet.provisioning;

import dev.diskfleet.attachment.AttachRequest;
import dev.diskfleet.fleet.Fleet;
import dev.diskfleet.fleet.FleetMachine;
import dev.diskfleet.fleet.FleetMachineRepository;
import dev.diskfleet.machine.CreateMachineRequest;
import dev.diskfleet.machine.Machine;
import dev.diskfleet.machine.MachineRepository;
import dev.diskfleet.machine.MachineService;
import dev.diskfleet.machine.MachineState;
import dev.diskfleet.machine.PowerService;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.web.ApiException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * A fleet's members through the machine feature's own service calls, so every machine rule (unique
 * names, locks, power-on resets) holds for fleet machines too.
 */
@Component
class FleetMembers {

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
    private final MachineDisks machineDisks;
    private final PowerService power;
    private final DiskTransaction disks;
    private final FleetMachineRepository links;
    private final ImageStore store;

    FleetMembers(MachineService machineService, MachineRepository machines, MachineDisks machineDisks,
            PowerService power, DiskTransaction disks, FleetMachineRepository links, ImageStore store) {
        this.store = store;
        this.machineService = machineService;
        this.machines = machines;
        this.machineDisks = machineDisks;
        this.power = power;
        this.disks = disks;
        this.links = links;
    }

    /**
     * Makes the members {@code ordinals} in one transaction, all or none: their disk files are published
     * together first (one batch, see {@link ImageStore#createDifferencing(List, UUID)}) and journaled, then
     * each member's rows: the machine, its own differencing disk on the fleet's base (an immutable
     * attachment) and its membership. So there is never a machine without its disk or the reverse. {@code made} hears of each member as soon as its
     * rows are written (still uncommitted); if anything fails, including {@code made}, no row of the batch
     * is committed and every file of the batch is deleted again.
     */
    List<Member> createAll(Fleet fleet, List<Integer> ordinals, Consumer<Member> made) {
        return disks.run(files -> {
            List<UUID> ids = ordinals.stream().map(ordinal -> UUID.randomUUID()).toList();
            List<ImageSummary> disksMade = store.createDifferencing(ids, fleet.getBaseImageId());
            ids.forEach(files::made);
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < ordinals.size(); i++) {
                int ordinal = ordinals.get(i);
                String name = fleet.machineName(ordinal);
                Machine machine = machineService.create(new CreateMachineRequest(name,
                        "machine " + ordinal + " of fleet " + fleet.getName(), null, null));
                // the attach joins this transaction, whose journal deletes the disk files if it rolls back
                machineDisks.attach(machine.getId(),
                        new AttachRequest(fleet.getBaseImageId(), PORT, DEVICE, fleet.isAutoReset()), disksMade.get(i));
                links.saveAndFlush(new FleetMachine(machine.getId(), fleet.getId(), ordinal));
                Member member = new Member(ordinal, machine.getId(), name, MachineState.POWERED_OFF.apiName());
                members.add(member);
                made.accept(member);
            }
            return members;
        });
    }

    Member start(Member member) {
        return new Member(member.ordinal(), member.machineId(), member.name(),
                power.start(member.machineId()).state());
    }

    /** Removes a member: stopped if running, then deleted with its own disk; its membership row goes with it. */
    void remove(UUID machineId) {
        Machine machine = machines.findById(machineId).orElse(null);
        if (machine == null) {
            links.findById(machineId).ifPresent(links::delete);
            return;
        }
        if (machine.isRunning()) {
            power.stop(machineId);
        }
        machineService.delete(machineId, null);
    }

    /** 409 naming the machines that already have one of these names. */
    void requireNamesFree(Collection<String> names) {
        List<String> taken = machines.findAll((root, query, cb) -> root.get("name").in(names)).stream()
                .map(Machine::getName).sorted().toList();
        if (!taken.isEmpty()) {
            throw ApiException.conflict("machine-name-taken", "machines named " + taken
                    + " already exist; choose another machineNamePrefix or delete those machines");
        }
    }

    /** 409 naming the running machines among these members, unless there are none. */
    void requireStopped(List<FleetMachine> members, String action) {
        List<String> running = machines.findAllById(members.stream().map(FleetMachine::getMachineId).toList())
                .stream().filter(Machine::isRunning).map(Machine::getName).sorted().toList();
        if (!running.isEmpty()) {
            throw ApiException.conflict("machines-running", "cannot " + action + ": machines " + running
                    + " are running; stop them first, or add ?force=true to stop them as part of this request");
        }
    }
}
