package dev.diskfleet.provisioning.snapshot;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.snapshot.Snapshot;
import dev.diskfleet.domain.snapshot.SnapshotRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A machine's snapshots as clients read them: a forest; changes are {@link SnapshotDisks}'. */
@Service
public class SnapshotCatalog {

    private final SnapshotRepository snapshots;
    private final MachineRepository machines;

    public SnapshotCatalog(SnapshotRepository snapshots, MachineRepository machines) {
        this.snapshots = snapshots;
        this.machines = machines;
    }

    /** The machine's snapshots as a forest (roots in creation order, children nested). */
    @Transactional(readOnly = true)
    public List<SnapshotNode> tree(UUID machineId) {
        Machine machine = requireMachine(machineId);
        Map<UUID, List<Snapshot>> byParent = byParent(machineId);
        return byParent.getOrDefault(null, List.of()).stream().map(s -> node(s, machine, byParent)).toList();
    }

    @Transactional(readOnly = true)
    public SnapshotNode get(UUID machineId, UUID snapshotId) {
        Machine machine = requireMachine(machineId);
        Snapshot snapshot = snapshots.findById(snapshotId).filter(s -> s.getMachineId().equals(machineId))
                .orElseThrow(() -> new NotFoundException("snapshot", snapshotId + " of machine " + machineId));
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

    private SnapshotNode node(Snapshot snapshot, Machine machine, Map<UUID, List<Snapshot>> byParent) {
        List<SnapshotNode> children = byParent.getOrDefault(snapshot.getId(), List.of()).stream()
                .map(child -> node(child, machine, byParent)).toList();
        return new SnapshotNode(snapshot, Objects.equals(machine.getCurrentSnapshotId(), snapshot.getId()), children);
    }

    private Machine requireMachine(UUID machineId) {
        return machines.findById(machineId).orElseThrow(() -> new NotFoundException("machine", machineId));
    }
}
