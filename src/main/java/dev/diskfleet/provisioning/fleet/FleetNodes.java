package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetPowerAction;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.provisioning.node.NodePlacement;
import dev.diskfleet.provisioning.replication.PeerRequests;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A fleet's members on the other nodes of a cluster. Each member's disk is made on its own node, so the node
 * that runs a fleet operation asks each other node to make, or remove, its share there
 * ({@link FleetShare} on that node, over {@code /internal/fleets/…}).
 */
@Component
class FleetNodes {

    private final NodePlacement placement;
    private final PeerRequests peers;
    private final MachineRepository machines;

    FleetNodes(NodePlacement placement, PeerRequests peers, MachineRepository machines) {
        this.placement = placement;
        this.peers = peers;
        this.machines = machines;
    }

    String localNode() {
        return placement.localNode();
    }

    /** The ordinals by node, in the order of {@code nodes} (one per ordinal); this node's first. */
    Map<String, List<Integer>> byNode(List<Integer> ordinals, List<String> nodes) {
        Map<String, List<Integer>> byNode = new TreeMap<>((a, b) -> a.equals(b) ? 0
                : a.equals(localNode()) ? -1 : b.equals(localNode()) ? 1 : a.compareTo(b));
        for (int i = 0; i < ordinals.size(); i++) {
            byNode.computeIfAbsent(nodes.get(i), node -> new java.util.ArrayList<>()).add(ordinals.get(i));
        }
        return byNode;
    }

    /** Asks {@code node} to make the members {@code ordinals} (and start them); returns them as made. */
    List<FleetOperationResult.Machine> makeOn(String node, Fleet fleet, List<Integer> ordinals, boolean start) {
        return Arrays.asList(peers.post(placement.require(node), "/internal/fleets/" + fleet.getId() + "/members",
                new FleetShare.Members(ordinals, start), FleetOperationResult.Machine[].class,
                "make members " + ordinals + " of fleet " + fleet.getName()));
    }

    /** The machines by the node that holds them; without a cluster (or unplaced) they are all this node's. */
    Map<String, List<UUID>> holders(List<UUID> machineIds) {
        Map<UUID, String> nodes = new LinkedHashMap<>();
        machines.findAllById(machineIds).forEach(machine -> nodes.put(machine.getId(), nodeOf(machine)));
        Map<String, List<UUID>> byNode = new LinkedHashMap<>();
        for (UUID id : machineIds) {
            byNode.computeIfAbsent(nodes.getOrDefault(id, localNode()), node -> new java.util.ArrayList<>()).add(id);
        }
        return byNode;
    }

    /** Asks {@code node} to remove these members of the fleet, disks and all. */
    void removeOn(String node, UUID fleetId, List<UUID> machineIds) {
        peers.post(placement.require(node), "/internal/fleets/" + fleetId + "/members/removal",
                new FleetShare.Removal(machineIds), Void.class, "remove machines " + machineIds + " of fleet " + fleetId);
    }

    /** Asks {@code node} to apply a fleet's power action to a member it holds; answers how the member ended. */
    FleetPower.MemberPower powerOn(String node, UUID machineId, FleetPowerAction action, Duration stopTimeout,
            boolean force) {
        return peers.post(placement.require(node), "/internal/machines/" + machineId + "/power",
                new FleetPower.MemberPowerRequest(action.name(), stopTimeout.toMillis(), force), FleetPower.MemberPower.class,
                action.apiName() + " machine " + machineId);
    }

    private String nodeOf(Machine machine) {
        return !placement.isCluster() || machine.getNode() == null ? localNode() : machine.getNode();
    }
}
