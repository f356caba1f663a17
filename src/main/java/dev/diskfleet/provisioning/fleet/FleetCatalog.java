package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetMachineRepository;
import dev.diskfleet.domain.fleet.FleetRepository;
import dev.diskfleet.domain.fleet.FleetRules;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.provisioning.NaturalNamePages;
import dev.diskfleet.provisioning.network.HostPorts;
import dev.diskfleet.provisioning.network.MachineNetwork;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import dev.diskfleet.provisioning.node.NodePlacement;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Fleets as clients read them: members with their states and disks, and the bytes the fleet takes. */
@Service
public class FleetCatalog {

    private final FleetRepository fleets;
    private final FleetMachineRepository links;
    private final MachineRepository machines;
    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final ImageStore store;
    private final HostPorts hostPorts;

    private final EntityManager entities;
    private final NodePlacement placement;

    public FleetCatalog(FleetRepository fleets, FleetMachineRepository links, MachineRepository machines,
            AttachmentRepository attachments, ImageRepository images, ImageStore store, HostPorts hostPorts,
            EntityManager entities, NodePlacement placement) {
        this.entities = entities;
        this.placement = placement;
        this.hostPorts = hostPorts;
        this.fleets = fleets;
        this.links = links;
        this.machines = machines;
        this.attachments = attachments;
        this.images = images;
        this.store = store;
    }

    public Fleet require(UUID id) {
        return fleets.findById(id).orElseThrow(() -> new NotFoundException("fleet", id));
    }

    /** A fleet that no operation is changing, or 409. */
    public Fleet requireReady(UUID id, String action) {
        Fleet fleet = require(id);
        FleetRules.requireReady(fleet, action);
        return fleet;
    }

    /** The members, lowest number first. */
    public List<FleetMachine> members(UUID fleetId) {
        return links.findByFleetIdOrderByOrdinal(fleetId);
    }

    /** The {@code count} lowest numbers no member has. */
    public List<Integer> freeOrdinals(Fleet fleet, int count) {
        return FleetRules.freeOrdinals(members(fleet.getId()), count);
    }

    @Transactional(readOnly = true)
    public Page<FleetDetails> list(Pageable pageable) {
        return NaturalNamePages.page(entities, Fleet.class, null, pageable, Fleet::getId).map(this::details);
    }

    @Transactional(readOnly = true)
    public FleetDetails details(Fleet fleet) {
        List<FleetMachine> members = members(fleet.getId());
        Map<UUID, Machine> byId = machines.findAllById(members.stream().map(FleetMachine::getMachineId).toList())
                .stream().collect(Collectors.toMap(Machine::getId, Function.identity()));
        List<FleetDetails.Member> rows = new ArrayList<>();
        long disks = 0;
        for (FleetMachine member : members) {
            Machine machine = byId.get(member.getMachineId());
            if (machine == null) {
                continue;
            }
            Attachment disk = diskOf(fleet, machine.getId());
            long bytes = disk == null ? 0 : allocatedBytes(disk.getMediumId());
            disks += bytes;
            rows.add(new FleetDetails.Member(member.getOrdinal(), machine, disk, bytes));
        }
        long base = allocatedBytes(fleet.getBaseImageId());
        // What one full copy of the golden takes; once the golden is gone, its clone (the base) says it.
        long fullCopy = images.findById(fleet.getGoldenImageId()).filter(image -> image.getState() == ImageState.READY)
                .map(Image::getId).map(this::allocatedBytes).orElse(base);
        return new FleetDetails(fleet, rows, base, disks, fullCopy);
    }

    /** Every member, lowest number first, with its node and where its forwards are reached (that node's guest address). */
    @Transactional(readOnly = true)
    public FleetInventory inventory(UUID id) {
        Fleet fleet = require(id);
        List<FleetMachine> members = members(id);
        List<UUID> ids = members.stream().map(FleetMachine::getMachineId).toList();
        Map<UUID, Machine> byId = machines.findAllById(ids).stream()
                .collect(Collectors.toMap(Machine::getId, Function.identity()));
        Map<UUID, List<MachineNetwork.Forward>> forwards = hostPorts.forwardsOf(ids);
        List<FleetInventory.Host> hosts = new ArrayList<>();
        for (FleetMachine member : members) {
            Machine machine = byId.get(member.getMachineId());
            if (machine != null) {
                String address = placement.guestAddressOf(machine.getNode());
                hosts.add(new FleetInventory.Host(machine.getName(), machine.getId(), machine.getState(),
                        machine.getNode(), forwards.getOrDefault(machine.getId(), List.of()).stream()
                                .map(forward -> forward.at(address)).toList()));
            }
        }
        return new FleetInventory(fleet, hosts);
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
