package dev.diskfleet.provisioning.nodeloss;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.StaleFile;
import dev.diskfleet.domain.image.StaleFileRepository;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeState;
import dev.diskfleet.provisioning.DiskTransaction;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.guest.Guests;
import dev.diskfleet.provisioning.machine.MachineDetails;
import dev.diskfleet.provisioning.machine.PowerService;
import dev.diskfleet.provisioning.node.ClusterProperties;
import dev.diskfleet.provisioning.replication.ImageReplicator;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts a machine of a lost node on this node ({@code POST /api/machines/{id}/start?node=NAME}, sent to the
 * named node). Only a machine whose every disk is an autoReset differencing disk may move: such a disk is
 * emptied at every power-on, so a fresh one over its base's copy here is the same machine. Each base is copied
 * here first if this node holds none; then, in one transaction, each attachment gets its fresh disk, the old
 * disk's row is deleted and its file recorded stale for the lost node to remove when it comes back, and the
 * machine is placed here. A machine with any other disk waits for its node (409 naming it).
 */
@Service
public class MachineMove {

    private static final Logger LOG = LoggerFactory.getLogger(MachineMove.class);

    private final MachineRepository machines;
    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final StaleFileRepository staleFiles;
    private final NodeRepository nodes;
    private final ImageReplicator replicator;
    private final ImageStore store;
    private final DiskTransaction disks;
    private final PowerService power;
    private final Guests guests;
    private final LocalNode local;
    private final ClusterProperties cluster;
    private final TransactionTemplate readOnly;

    public MachineMove(MachineRepository machines, AttachmentRepository attachments, ImageRepository images,
            StaleFileRepository staleFiles, NodeRepository nodes, ImageReplicator replicator, ImageStore store,
            DiskTransaction disks, PowerService power, Guests guests, LocalNode local,
            ClusterProperties cluster, PlatformTransactionManager transactions) {
        this.machines = machines;
        this.attachments = attachments;
        this.images = images;
        this.staleFiles = staleFiles;
        this.nodes = nodes;
        this.replicator = replicator;
        this.store = store;
        this.disks = disks;
        this.power = power;
        this.guests = guests;
        this.local = local;
        this.cluster = cluster;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * Starts the machine on {@code node}, which the request was sent to (any other node forwards it there): a
     * plain start when the machine is that node's already or has no node yet; else, when its node is lost, the
     * move described above and then the start.
     */
    public MachineDetails start(UUID id, String node) {
        if (!node.equals(local.name())) {
            nodes.findByName(node).orElseThrow(() -> new NotFoundException("node", node));
            // Only reached without a cluster (in one, the request is forwarded to the named node).
            throw new ConflictException("not-this-node", "this is node " + local.name() + ", not " + node
                    + ": a machine is started on another node in a cluster only (diskfleet.cluster.enabled)");
        }
        return guests.withPowerLock(id, () -> {
            String from = readOnly.execute(status -> requireMovable(id));
            if (from != null) {
                move(id, from);
            }
            return power.start(id);
        });
    }

    public String localNode() {
        return local.name();
    }

    /** Whether the machine may move here: the node it leaves, or null when it is here already (or nowhere). */
    private String requireMovable(UUID id) {
        Machine machine = machines.findById(id).orElseThrow(() -> new NotFoundException("machine", id));
        String from = machine.getNode();
        if (from == null || from.equals(local.name()) || !cluster.enabled()) {
            return null;
        }
        requireOffline(machine, from);
        List<String> kept = attachments.findByMachineIdOrderByPortAscDeviceAsc(id).stream()
                .filter(attachment -> !disposable(attachment)).map(Attachment::slot).toList();
        if (!kept.isEmpty()) {
            throw new ConflictException("machine-waits-for-node", "machine " + machine.label() + " waits for node "
                    + from + ", which is offline: its disks at " + kept + " hold data only node " + from + " has (only"
                    + " a machine whose every disk is an autoReset differencing disk starts on another node); start"
                    + " node " + from + " again");
        }
        return from;
    }

    private void requireOffline(Machine machine, String from) {
        NodeState state = nodes.findByName(from).map(node -> NodeState.of(node, OffsetDateTime.now(),
                cluster.nodeTimeout())).orElse(NodeState.OFFLINE);
        if (state != NodeState.OFFLINE) {
            throw new ConflictException("machine-on-another-node", "machine " + machine.label() + " is on node " + from
                    + ", which is " + state.apiName() + ": it is started there (send the start without ?node=); only"
                    + " a machine whose node is offline is started on another");
        }
    }

    /** Whether every disk of the machine is an autoReset differencing disk, so that it may start elsewhere. */
    public boolean disposable(UUID id) {
        return Boolean.TRUE.equals(readOnly.execute(status -> attachments.findByMachineIdOrderByPortAscDeviceAsc(id)
                .stream().allMatch(this::disposable)));
    }

    private boolean disposable(Attachment attachment) {
        return attachment.ownsMedium() && images.findById(attachment.getMediumId())
                .filter(medium -> medium.isDifferencing() && medium.isAutoReset()).isPresent();
    }

    private void move(UUID id, String from) {
        List<UUID> bases = readOnly.execute(status -> attachments.findByMachineIdOrderByPortAscDeviceAsc(id).stream()
                .map(Attachment::getImageId).distinct().toList());
        bases.forEach(replicator::ensureLocal);
        disks.run(files -> {
            Machine machine = machines.lockById(id).orElseThrow(() -> new NotFoundException("machine", id));
            if (!from.equals(machine.getNode())) {
                throw new ConflictException("machine-on-another-node", "machine " + machine.label()
                        + " was moved to node " + machine.getNode() + " meanwhile");
            }
            requireOffline(machine, from); // it may have come back while the bases were copied
            if (machine.isRunning()) {
                // Its node went offline before the job that marks its machines had run.
                machine.nodeLost(from, OffsetDateTime.now());
            }
            for (Attachment attachment : attachments.findByMachineIdOrderByPortAscDeviceAsc(id)) {
                Image old = images.findById(attachment.getMediumId()).orElseThrow();
                Image base = images.findById(attachment.getImageId()).orElseThrow();
                UUID fresh = UUID.randomUUID();
                files.willMake(fresh);
                ImageSummary file = store.createDifferencing(fresh, base.getId());
                files.made(fresh);
                images.save(Image.differencing(file, base, old.getName(), old.getDescription(), true));
                images.flush();
                attachment.setMediumId(fresh);
                attachments.flush();
                staleFiles.save(new StaleFile(old.getId(), from, id));
                images.delete(old);
                images.flush();
            }
            machine.movedTo(local.name());
            return null;
        });
        LOG.info("machine {} moved from lost node {} to node {} on fresh autoReset disks", id, from, local.name());
    }
}
