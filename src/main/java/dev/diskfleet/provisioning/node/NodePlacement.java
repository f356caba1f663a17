package dev.diskfleet.provisioning.node;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeRoom;
import dev.diskfleet.domain.node.NodeState;
import dev.diskfleet.domain.node.Placement;
import dev.diskfleet.domain.node.PlacementRule;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Which node a machine lives on. Without a cluster every machine is this node's. In a cluster a machine is
 * placed on a node named when it is created, or on the node that first starts it; a fleet's members are
 * spread over the online, undrained nodes by the guest memory each has left
 * ({@code diskfleet.node.max-guest-memory-mb} less the memory of the guests running there).
 */
@Service
public class NodePlacement {

    private static final long MIB = 1024 * 1024;

    private final NodeRepository nodes;
    private final MachineRepository machines;
    private final NodeIdentity identity;
    private final ClusterProperties cluster;

    public NodePlacement(NodeRepository nodes, MachineRepository machines, NodeIdentity identity,
            ClusterProperties cluster) {
        this.nodes = nodes;
        this.machines = machines;
        this.identity = identity;
        this.cluster = cluster;
    }

    public String localNode() {
        return identity.name();
    }

    public boolean isCluster() {
        return cluster.enabled();
    }

    /**
     * The node a new machine is made on: the one named (404 if unknown, 409 unless online and undrained), else
     * this node without a cluster, else none until its first start.
     */
    public String nodeForNewMachine(String named) {
        if (named != null) {
            requireTakesGuests(named);
            return named;
        }
        return cluster.enabled() ? null : identity.name();
    }

    /**
     * Places a machine that has no node yet on this node, which is about to start it: in a cluster only if its
     * memory fits what this node has left (507 otherwise). The caller holds the machine's row lock, so of two
     * nodes starting it at once the second finds it placed on the first and is refused (409).
     */
    public void placeHereForStart(Machine machine) {
        if (machine.getNode() != null) {
            if (cluster.enabled() && !machine.getNode().equals(identity.name())) {
                throw onAnotherNode(machine);
            }
            return;
        }
        if (cluster.enabled()) {
            PlacementRule.place(List.of(roomOf(requireTakesGuests(identity.name()))), 1, machine.getMemoryMb(),
                    Placement.PACK, "starting machine " + machine.label() + " on node " + identity.name());
        }
        machine.placeOn(identity.name());
    }

    /**
     * The node of each of {@code count} members of {@code memoryMb} each: all on this node without a cluster,
     * else over the online, undrained nodes (507 {@code insufficient-guest-memory} if they do not fit).
     */
    public List<String> placeMembers(int count, int memoryMb, Placement placement, String what) {
        if (!cluster.enabled()) {
            return Collections.nCopies(count, identity.name());
        }
        OffsetDateTime now = OffsetDateTime.now();
        List<NodeRoom> rooms = nodes.findAllByOrderByNameAsc().stream()
                .filter(node -> NodeState.of(node, now, cluster.nodeTimeout()) == NodeState.ONLINE)
                .map(this::roomOf).toList();
        return PlacementRule.place(rooms, count, memoryMb, placement, what);
    }

    /**
     * 409 {@code machine-on-another-node}, naming that node and its URL, when the machine's disks and guest are on
     * another node: what touches them (power, console, disk I/O, disks and snapshots) is done there. Without a
     * cluster every machine is this node's, whatever name it was placed under before a rename.
     */
    public void requireHere(UUID machineId) {
        if (!cluster.enabled()) {
            return;
        }
        machines.findById(machineId).filter(machine -> machine.getNode() != null
                && !machine.getNode().equals(identity.name())).ifPresent(machine -> {
                    throw onAnotherNode(machine);
                });
    }

    private ConflictException onAnotherNode(Machine machine) {
        String url = nodes.findByName(machine.getNode()).map(Node::getUrl).orElse("(no URL: not registered)");
        return new ConflictException("machine-on-another-node", "machine " + machine.label() + " is on node "
                + machine.getNode() + ", not on " + identity.name() + ": send this request to node "
                + machine.getNode() + " at " + url);
    }

    /** The node row of {@code name}, for calling it. */
    public Node require(String name) {
        return nodes.findByName(name).orElseThrow(() -> new NotFoundException("node", name));
    }

    /** Where clients reach the forwards of a guest on {@code node}: that node's guest address; null if unplaced. */
    public String guestAddressOf(String node) {
        if (node == null) {
            return null;
        }
        if (!cluster.enabled() || node.equals(identity.name())) {
            return identity.guestAddress();
        }
        return nodes.findByName(node).map(Node::getGuestAddress).orElse(null);
    }

    private Node requireTakesGuests(String name) {
        Node node = nodes.findByName(name).orElseThrow(() -> new NotFoundException("node", name));
        NodeState state = NodeState.of(node, OffsetDateTime.now(), cluster.nodeTimeout());
        if (state != NodeState.ONLINE) {
            throw new ConflictException("node-unavailable", "node " + name + " is " + state.apiName()
                    + " and takes no new guests" + (state == NodeState.DRAINING
                    ? "; undrain it (POST /api/nodes/" + name + "/undrain) or name another node" : "; start it or name"
                    + " another node"));
        }
        return node;
    }

    private NodeRoom roomOf(Node node) {
        long usedMb = machines.sumMemoryMbByStateOnNode(MachineState.RUNNING, node.getName());
        return new NodeRoom(node.getName(), Math.max(0, node.getGuestMemoryBytes() / MIB - usedMb));
    }
}
