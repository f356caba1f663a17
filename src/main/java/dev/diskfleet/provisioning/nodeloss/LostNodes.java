package dev.diskfleet.provisioning.nodeloss;

import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeState;
import dev.diskfleet.domain.node.Placement;
import dev.diskfleet.provisioning.ClusterJobs;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.event.Events;
import dev.diskfleet.provisioning.node.ClusterProperties;
import dev.diskfleet.provisioning.node.NodePlacement;
import dev.diskfleet.provisioning.replication.PeerRequests;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the cluster does about a lost node, once per round on one node (the one that takes the job's lock): the
 * running machines of every offline node become {@code unknown} with last exit {@code nodeLost}, stopped
 * cleanly or not (its guests keep running unless it stopped them, and nobody watches them now). With
 * {@code diskfleet.cluster.restart-lost-guests}, each unknown machine whose every disk is disposable is then
 * started on a node the placement rule picks (spread by free guest memory): here, or by asking that node.
 */
@Component
public class LostNodes {

    private static final Logger LOG = LoggerFactory.getLogger(LostNodes.class);

    private final NodeRepository nodes;
    private final MachineRepository machines;
    private final ClusterJobs jobs;
    private final ClusterProperties cluster;
    private final NodePlacement placement;
    private final MachineMove move;
    private final PeerRequests peers;
    private final Events events;
    private final LocalNode local;
    private final TransactionTemplate tx;

    public LostNodes(NodeRepository nodes, MachineRepository machines, ClusterJobs jobs, ClusterProperties cluster,
            NodePlacement placement, MachineMove move, PeerRequests peers, Events events, LocalNode local,
            PlatformTransactionManager transactions) {
        this.nodes = nodes;
        this.machines = machines;
        this.jobs = jobs;
        this.cluster = cluster;
        this.placement = placement;
        this.move = move;
        this.peers = peers;
        this.events = events;
        this.local = local;
        this.tx = new TransactionTemplate(transactions);
    }

    @Scheduled(initialDelayString = "${diskfleet.cluster.heartbeat-interval:5s}",
            fixedDelayString = "${diskfleet.cluster.heartbeat-interval:5s}")
    public void look() {
        if (!cluster.enabled()) {
            return;
        }
        jobs.runOnce("lost-nodes", () -> {
            List<String> lost = offlineNodes();
            lost.forEach(this::markMachinesUnknown);
            if (cluster.restartLostGuests()) {
                lost.forEach(this::restartElsewhere);
            }
        });
    }

    private List<String> offlineNodes() {
        OffsetDateTime now = OffsetDateTime.now();
        return tx.execute(status -> nodes.findAllByOrderByNameAsc().stream()
                .filter(node -> !node.getName().equals(local.name()))
                .filter(node -> NodeState.of(node, now, cluster.nodeTimeout()) == NodeState.OFFLINE)
                .map(Node::getName).toList());
    }

    /**
     * Each under its row lock, checked again: a machine its node stopped meanwhile stays powered off, and one of
     * a node that came back meanwhile (and adopted its guest) stays running.
     */
    private void markMachinesUnknown(String node) {
        for (UUID id : machines.findIdsByStateOnNode(MachineState.RUNNING, node)) {
            tx.executeWithoutResult(status -> machines.lockById(id)
                    .filter(machine -> machine.isRunning() && node.equals(machine.getNode()) && stillOffline(node))
                    .ifPresent(machine -> {
                        machine.nodeLost(node, OffsetDateTime.now());
                        events.machineState(id, "unknown", "nodeLost");
                        LOG.warn("machine {} is unknown: its node {} was lost while its guest ran", machine.label(),
                                node);
                    }));
        }
    }

    private boolean stillOffline(String node) {
        return nodes.findByName(node).map(row -> NodeState.of(row, OffsetDateTime.now(), cluster.nodeTimeout())
                == NodeState.OFFLINE).orElse(true);
    }

    private void restartElsewhere(String node) {
        for (UUID id : machines.findIdsByStateOnNode(MachineState.UNKNOWN, node)) {
            Machine machine = tx.execute(status -> machines.findById(id).orElse(null));
            if (machine == null || !move.disposable(id)) {
                continue; // it waits for its node
            }
            try {
                String target = placement.placeMembers(1, machine.getMemoryMb(), Placement.SPREAD,
                        "restarting machine " + machine.label() + " of lost node " + node).get(0);
                if (target.equals(local.name())) {
                    move.start(id, target);
                } else {
                    peers.post(placement.require(target), "/internal/machines/" + id + "/start", Map.of(), Void.class,
                            "start machine " + machine.label() + " of lost node " + node);
                }
                LOG.info("machine {} of lost node {} was started on node {}", machine.label(), node, target);
            } catch (RuntimeException e) {
                LOG.warn("machine {} of lost node {} could not be started elsewhere: {}", machine.label(), node,
                        e.getMessage());
            }
        }
    }
}
