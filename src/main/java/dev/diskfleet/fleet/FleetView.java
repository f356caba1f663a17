package dev.diskfleet.fleet;

import dev.diskfleet.attachment.Attachment;
import dev.diskfleet.attachment.AttachmentRepository;
import dev.diskfleet.image.Image;
import dev.diskfleet.image.ImageRepository;
import dev.diskfleet.image.ImageState;
import dev.diskfleet.machine.Machine;
import dev.diskfleet.machine.MachineRepository;
import dev.diskfleet.machine.MachineResponse;
import dev.diskfleet.machine.PowerService;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.web.ProblemMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** A fleet as the machine and image features see it: member states, disks and bytes; power per member. */
@Component
class FleetView {

    private final MachineRepository machines;
    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final PowerService power;
    private final ImageStore store;

    FleetView(MachineRepository machines, AttachmentRepository attachments, ImageRepository images, PowerService power,
            ImageStore store) {
        this.machines = machines;
        this.attachments = attachments;
        this.images = images;
        this.power = power;
        this.store = store;
    }

    FleetResponse describe(Fleet fleet, List<FleetMachine> members) {
        Map<UUID, Machine> byId = machines.findAllById(members.stream().map(FleetMachine::getMachineId).toList())
                .stream().collect(Collectors.toMap(Machine::getId, Function.identity()));
        List<FleetMachineResponse> rows = new ArrayList<>();
        long disks = 0;
        for (FleetMachine member : members) {
            Machine machine = byId.get(member.getMachineId());
            if (machine == null) {
                continue;
            }
            Attachment disk = diskOf(fleet, machine.getId());
            long bytes = disk == null ? 0 : allocatedBytes(disk.getMediumId());
            disks += bytes;
            rows.add(new FleetMachineResponse(member.getOrdinal(), machine.getId(), machine.getName(),
                    machine.getState().apiName(), disk == null ? null : disk.getId(),
                    disk == null ? null : disk.getMediumId(), bytes));
        }
        long base = allocatedBytes(fleet.getBaseImageId());
        // What one full copy of the golden takes; once the golden is gone, its clone (the base) says it.
        long fullCopy = images.findById(fleet.getGoldenImageId()).filter(image -> image.getState() == ImageState.READY)
                .map(Image::getId).map(this::allocatedBytes).orElse(base);
        return new FleetResponse(fleet.getId(), fleet.getName(), fleet.getState().name().toLowerCase(),
                fleet.getGoldenImageId(), fleet.getBaseImageId(), fleet.getSize(), fleet.getMachineNamePrefix(),
                fleet.isAutoReset(), rows, FleetUsage.of(base, disks, rows.size(), fullCopy), fleet.getCreatedAt(),
                fleet.getUpdatedAt());
    }

    /**
     * Applies {@code action} to each member in turn; a failure on one is reported in its result and does
     * not stop the others. A reset starts a powered-off member (a power cycle of a machine that is off
     * is a power-on); start and stop report machines already in that state as failed with the 409 the
     * machine feature gives.
     */
    List<MachinePowerResult> power(List<FleetMachine> members, Fleet fleet, FleetPowerAction action) {
        List<MachinePowerResult> results = new ArrayList<>();
        for (FleetMachine member : members) {
            UUID id = member.getMachineId();
            String name = fleet.machineName(member.getOrdinal());
            try {
                MachineResponse after = switch (action) {
                    case START -> power.start(id);
                    case STOP -> power.stop(id);
                    case RESET -> machines.findById(id).map(Machine::isRunning).orElse(false)
                            ? power.reset(id) : power.start(id);
                };
                results.add(new MachinePowerResult(member.getOrdinal(), id, after.name(), true, after.state(), null));
            } catch (RuntimeException e) {
                String state = machines.findById(id).map(m -> m.getState().apiName()).orElse(null);
                results.add(new MachinePowerResult(member.getOrdinal(), id, name, false, state,
                        ProblemMapper.toProblem(e)));
            }
        }
        return results;
    }

    /** The member's attachment of the fleet's base: the one that carries its own differencing disk. */
    private Attachment diskOf(Fleet fleet, UUID machineId) {
        return attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId).stream()
                .filter(attachment -> attachment.getImageId().equals(fleet.getBaseImageId()))
                .findFirst().orElse(null);
    }

    private long allocatedBytes(UUID imageId) {
        try {
            return store.describe(imageId).allocatedBytes();
        } catch (StorageException missing) {
            return 0;
        }
    }
}
