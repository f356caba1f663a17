package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetLimits;
import dev.diskfleet.domain.fleet.FleetMachineRepository;
import dev.diskfleet.domain.fleet.FleetRepository;
import dev.diskfleet.domain.fleet.FleetRules;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.provisioning.NaturalNamePages;
import dev.diskfleet.provisioning.network.HostPorts;
import dev.diskfleet.provisioning.network.MachineNetwork;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import dev.diskfleet.provisioning.node.NodePlacement;
import dev.diskfleet.provisioning.replication.FileSizes;
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
    private final FileSizes sizes;
    private final HostPorts hostPorts;

    private final EntityManager entities;
    private final NodePlacement placement;

    public FleetCatalog(FleetRepository fleets, FleetMachineRepository links, MachineRepository machines,
            AttachmentRepository attachments, ImageRepository images, FileSizes sizes, HostPorts hostPorts,
            EntityManager entities, NodePlacement placement) {
        this.entities = entities;
        this.placement = placement;
        this.hostPorts = hostPorts;
        this.fleets = fleets;
        this.links = links;
        this.machines = machines;
        this.attachments = attachments;
        this.images = images;
        this.sizes = sizes;
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

    /** The fleet with all its members (a fleet has at most {@link FleetLimits#MAX_SIZE}). */
    @Transactional(readOnly = true)
    public FleetDetails details(Fleet fleet) {
        return details(fleet, 0, FleetLimits.MAX_SIZE);
    }

    /**
     * The fleet with the members of page {@code page} (lowest numbers first, {@code size} a page); the disk
     * usage counts every member. A few queries whatever the fleet's size: the members, the disks of all, the
     * machines of the page.
     */
    @Transactional(readOnly = true)
    public FleetDetails details(Fleet fleet, int page, int size) {
        List<FleetMachine> members = members(fleet.getId());
        Map<UUID, Attachment> disksByMachine = attachments.findByImageIdAndMachineIdIn(fleet.getBaseImageId(),
                members.stream().map(FleetMachine::getMachineId).toList()).stream()
                .collect(Collectors.toMap(Attachment::getMachineId, Function.identity(), (first, second) -> first));
        // The members' disks (and the base and golden) may be on other nodes: one question per other node for
        // all of them, so that every node reads the same.
        List<UUID> files = new ArrayList<>(disksByMachine.values().stream().map(Attachment::getMediumId).toList());
        files.add(fleet.getBaseImageId());
        Optional<UUID> golden = images.findById(fleet.getGoldenImageId())
                .filter(image -> image.getState() == ImageState.READY).map(Image::getId);
        golden.ifPresent(files::add);
        Map<UUID, Long> bytesByMedium = sizes.allocated(files);
        Map<UUID, Long> bytesByMachine = new HashMap<>();
        long disks = 0;
        for (Attachment disk : disksByMachine.values()) {
            long bytes = bytesByMedium.getOrDefault(disk.getMediumId(), 0L);
            bytesByMachine.put(disk.getMachineId(), bytes);
            disks += bytes;
        }
        int from = (int) Math.min((long) page * size, members.size());
        List<FleetMachine> shown = members.subList(from, Math.min(members.size(), from + size));
        Map<UUID, Machine> byId = machines.findAllById(shown.stream().map(FleetMachine::getMachineId).toList())
                .stream().collect(Collectors.toMap(Machine::getId, Function.identity()));
        List<FleetDetails.Member> rows = new ArrayList<>();
        for (FleetMachine member : shown) {
            Machine machine = byId.get(member.getMachineId());
            if (machine != null) {
                rows.add(new FleetDetails.Member(member.getOrdinal(), machine, disksByMachine.get(machine.getId()),
                        bytesByMachine.getOrDefault(machine.getId(), 0L)));
            }
        }
        long base = bytesByMedium.get(fleet.getBaseImageId());
        // What one full copy of the golden takes; once the golden is gone, its clone (the base) says it.
        long fullCopy = golden.map(bytesByMedium::get).orElse(base);
        return new FleetDetails(fleet, rows, page, size, members.size(), base, disks, fullCopy);
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
}
