package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.image.ImageLocation;
import dev.diskfleet.domain.image.ImageLocationRepository;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeState;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.export.ExportService;
import dev.diskfleet.provisioning.node.ClusterProperties;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which node answers for an image's file or a machine's guest, when it is not this one. A written image
 * (normal, write-through, differencing) lives on exactly one node; an immutable one may be on several, and any
 * of them serves it. A machine belongs to the node it was placed on, which holds the disks it writes and runs its guest. Empty means this node
 * answers: it holds the file, or nobody does (then it answers as it always did: not found, inaccessible).
 */
@Service
public class Owners {

    private final ImageLocationRepository locations;
    private final MachineRepository machines;
    private final AttachmentRepository attachments;
    private final ExportService exports;
    private final PeerRequests peers;
    private final NodeRepository nodes;
    private final LocalNode local;
    private final ClusterProperties cluster;
    private final Clock clock;

    public Owners(ImageLocationRepository locations, MachineRepository machines, AttachmentRepository attachments,
            ExportService exports, PeerRequests peers,
            NodeRepository nodes, LocalNode local, ClusterProperties cluster, Clock clock) {
        this.locations = locations;
        this.machines = machines;
        this.attachments = attachments;
        this.exports = exports;
        this.peers = peers;
        this.nodes = nodes;
        this.local = local;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** Another node, where requests for what it holds go: its URL, and whether it answers now. */
    public record Owner(String node, String url, boolean online) {
    }

    /** The node that serves the image's file, when this node holds none: an online one first. */
    @Transactional(readOnly = true)
    public Optional<Owner> ofImageFile(UUID imageId) {
        List<String> holders = locations.findByImageIdOrderByNodeNameAsc(imageId).stream()
                .map(ImageLocation::getNodeName).toList();
        if (holders.isEmpty() || holders.contains(local.name())) {
            return Optional.empty();
        }
        List<Owner> owners = holders.stream().map(this::owner).flatMap(Optional::stream).toList();
        return owners.stream().filter(Owner::online).findFirst().or(() -> owners.stream().findFirst());
    }

    /** The node that runs the machine's guest and holds the disks it writes. */
    @Transactional(readOnly = true)
    public Optional<Owner> ofMachine(UUID machineId) {
        String node = nodeOfMachine(machineId);
        return node.equals(local.name()) ? Optional.empty() : owner(node);
    }

    /**
     * Where a machine lives: the node it was placed on. One not placed yet (it never ran) goes where the disks it
     * writes are, so that its first start places it there; this node when it has none.
     */
    private String nodeOfMachine(UUID machineId) {
        return machines.findById(machineId).map(Machine::getNode)
                .or(() -> attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId).stream()
                        .map(Attachment::getMediumId)
                        .flatMap(medium -> locations.findByImageIdOrderByNodeNameAsc(medium).stream())
                        .map(ImageLocation::getNodeName).sorted().findFirst())
                .orElse(local.name());
    }

    /**
     * The node that serves an NBD export this node does not: exports live in the memory of their node, not in
     * the database, so the other online nodes are asked ({@code GET /internal/exports/{id}}).
     */
    public Optional<Owner> ofExport(UUID exportId) {
        if (exports.serves(exportId)) {
            return Optional.empty();
        }
        return onlineOthers().stream().filter(node -> peers.answers(node, "/internal/exports/" + exportId))
                .findFirst().map(node -> new Owner(node.getName(), node.getUrl(), true));
    }

    /** The other nodes of the cluster that are not offline, by name; none without a cluster. */
    public List<Node> onlineOthers() {
        if (!cluster.enabled()) {
            return List.of();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        return nodes.findAllByOrderByNameAsc().stream()
                .filter(node -> !node.getName().equals(local.name()))
                .filter(node -> NodeState.of(node, now, cluster.nodeTimeout()) != NodeState.OFFLINE)
                .toList();
    }

    /** The node named, when it is another: where a request meant for that node goes (a start on a named node). */
    @Transactional(readOnly = true)
    public Optional<Owner> ofNode(String name) {
        return name.equals(local.name()) ? Optional.empty() : owner(name);
    }

    private Optional<Owner> owner(String name) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return nodes.findByName(name).map(node -> new Owner(node.getName(), node.getUrl(),
                NodeState.of(node, now, cluster.nodeTimeout()) != NodeState.OFFLINE));
    }
}
