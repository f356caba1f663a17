package dev.diskfleet.snapshot;

import dev.diskfleet.machine.Machine;
import dev.diskfleet.machine.MachineRepository;
import dev.diskfleet.provisioning.SnapshotDisks;
import dev.diskfleet.web.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Snapshots of one machine: reading the tree here, changing disks through {@link SnapshotDisks}. */
@Service
public class SnapshotService {

    private final SnapshotRepository snapshots;
    private final MachineRepository machines;
    private final SnapshotDisks disks;

    public SnapshotService(SnapshotRepository snapshots, MachineRepository machines, SnapshotDisks disks) {
        this.snapshots = snapshots;
        this.machines = machines;
        this.disks = disks;
    }

    public SnapshotResponse take(UUID machineId, TakeSnapshotRequest request) {
        Snapshot taken = disks.take(machineId, request.name(), request.description());
        return get(machineId, taken.getId());
    }

    public SnapshotResponse restore(UUID machineId, UUID snapshotId) {
        disks.restore(machineId, snapshotId);
        return get(machineId, snapshotId);
    }

    public void delete(UUID machineId, UUID snapshotId) {
        disks.delete(machineId, snapshotId);
    }

    /** The machine's snapshots as a forest (roots in creation order, children nested). */
    @Transactional(readOnly = true)
    public List<SnapshotResponse> tree(UUID machineId) {
        Machine machine = requireMachine(machineId);
        Map<UUID, List<Snapshot>> byParent = byParent(machineId);
        return byParent.getOrDefault(null, List.of()).stream().map(s -> node(s, machine, byParent)).toList();
    }

    @Transactional(readOnly = true)
    public SnapshotResponse get(UUID machineId, UUID snapshotId) {
        Machine machine = requireMachine(machineId);
        Snapshot snapshot = snapshots.findById(snapshotId).filter(s -> s.getMachineId().equals(machineId))
                .orElseThrow(() -> ApiException.notFound("snapshot", snapshotId + " of machine " + machineId));
        return node(snapshot, machine, byParent(machineId));
    }

    /** The machine's snapshots by parent (null for the roots), each list in creation order. */
    private Map<UUID, List<Snapshot>> byParent(UUID machineId) {
        Map<UUID, List<Snapshot>> byParent = new LinkedHashMap<>();
        for (Snapshot snapshot : snapshots.findByMachineIdOrderByCreatedAtAscIdAsc(machineId)) {
            byParent.computeIfAbsent(snapshot.getParentId(), k -> new ArrayList<>()).add(snapshot);
        }
        return byParent;
    }

    private SnapshotResponse node(Snapshot snapshot, Machine machine, Map<UUID, List<Snapshot>> byParent) {
        List<SnapshotResponse> children = byParent.getOrDefault(snapshot.getId(), List.of()).stream()
                .map(child -> node(child, machine, byParent)).toList();
        List<SnapshotResponse.FrozenDisk> disks = snapshot.getMedia().stream()
                .map(m -> new SnapshotResponse.FrozenDisk(m.getAttachmentId(), m.getMediumId())).toList();
        return new SnapshotResponse(snapshot.getId(), snapshot.getName(), snapshot.getDescription(),
                snapshot.getParentId(), Objects.equals(machine.getCurrentSnapshotId(), snapshot.getId()), disks,
                snapshot.getCreatedAt(), children);
    }

    private Machine requireMachine(UUID machineId) {
        return machines.findById(machineId).orElseThrow(() -> ApiException.notFound("machine", machineId));
    }
}
