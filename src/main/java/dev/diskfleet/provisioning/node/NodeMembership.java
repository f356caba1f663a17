package dev.diskfleet.provisioning.node;

import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.domain.node.NodeCapacity;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeState;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.guest.Guests;
import dev.diskfleet.provisioning.guest.HostDetails;
import jakarta.annotation.PreDestroy;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * This process's row among the nodes of its database. {@link #join()} runs first in startup recovery, so
 * a process that must not share the database stops before it has looked at a single file: two services on
 * one database with their own storage roots would each take the other's image files for missing, and two
 * with one name would adopt each other's guests.
 */
@Component
public class NodeMembership {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);
    private static final long RESERVED_HOST_MEMORY_MB = 1024;

    private final NodeRepository nodes;
    private final MachineRepository machines;
    private final Guests guests;
    private final FreeSpace freeSpace;
    private final NodeIdentity identity;
    private final NodeProperties node;
    private final ClusterProperties cluster;
    private final TransactionTemplate tx;
    /**
     * Makes a heartbeat and the clean stop take turns. Both update this node's row; a heartbeat that read the
     * row before the stop committed would otherwise fail the stop's optimistic lock (or the stop the
     * heartbeat's), and the node would count as online until its heartbeat timed out.
     */
    private final Object rowWrite = new Object();
    private volatile boolean joined;

    public NodeMembership(NodeRepository nodes, MachineRepository machines, Guests guests, FreeSpace freeSpace,
            NodeIdentity identity, NodeProperties node, ClusterProperties cluster,
            PlatformTransactionManager transactions) {
        this.nodes = nodes;
        this.machines = machines;
        this.guests = guests;
        this.freeSpace = freeSpace;
        this.identity = identity;
        this.node = node;
        this.cluster = cluster;
        this.tx = new TransactionTemplate(transactions);
    }

    public String name() {
        return identity.name();
    }

    /**
     * Takes this process's place in the database, or throws {@link NodeConflictException} naming the live
     * process that holds it. A second look after the commit settles two processes that started together:
     * the later one gives way.
     */
    public void join() {
        OffsetDateTime now = OffsetDateTime.now();
        NodeCapacity capacity = capacity();
        try {
            tx.executeWithoutResult(status -> claim(now, capacity));
        } catch (DataIntegrityViolationException raced) {
            // Another process inserted our name in the same instant: its row is there now, so it is refused
            // like any other holder.
            tx.executeWithoutResult(status -> claim(now, capacity));
        }
        Optional<Node> earlier = liveOthers(OffsetDateTime.now()).stream()
                .filter(other -> other.getStartedAt().isBefore(now)
                        || other.getStartedAt().isEqual(now) && other.getName().compareTo(identity.name()) < 0)
                .min(Comparator.comparing(Node::getStartedAt));
        if (earlier.isPresent() && !cluster.enabled()) {
            tx.executeWithoutResult(status -> nodes.findByName(identity.name()).ifPresent(mine -> mine.stopped(now)));
            throw NodeConflictException.databaseInUse(earlier.get());
        }
        joined = true;
        LOG.info("node {} joined ({}, {})", identity.name(), identity.url(), identity.instance());
    }

    private void claim(OffsetDateTime now, NodeCapacity capacity) {
        Node mine = nodes.findByName(identity.name()).orElse(null);
        if (mine != null && NodeState.of(mine, now, cluster.nodeTimeout()) != NodeState.OFFLINE
                && !mine.getInstance().equals(identity.instance()) && !identity.succeeds(mine.getInstance())) {
            throw NodeConflictException.nameInUse(mine);
        }
        if (!cluster.enabled()) {
            List<Node> others = liveOthers(now);
            if (!others.isEmpty()) {
                throw NodeConflictException.databaseInUse(others.get(0));
            }
        }
        if (mine == null) {
            mine = new Node(identity.name());
        }
        mine.claim(identity.url(), identity.guestAddress(), identity.instance(), identity.serviceVersion(), now);
        mine.report(capacity, now);
        nodes.saveAndFlush(mine);
    }

    private List<Node> liveOthers(OffsetDateTime now) {
        return nodes.findAllByOrderByNameAsc().stream()
                .filter(other -> !other.getName().equals(identity.name()))
                .filter(other -> NodeState.of(other, now, cluster.nodeTimeout()) != NodeState.OFFLINE)
                .toList();
    }

    /** Renews the heartbeat with what the node offers now. */
    @Scheduled(initialDelayString = "${diskfleet.cluster.heartbeat-interval:5s}",
            fixedDelayString = "${diskfleet.cluster.heartbeat-interval:5s}")
    public void heartbeat() {
        if (!joined) {
            return;
        }
        NodeCapacity capacity = capacity();
        synchronized (rowWrite) {
            if (!joined) {
                return;
            }
            tx.executeWithoutResult(status -> nodes.findByName(identity.name()).ifPresent(mine -> {
                if (!mine.getInstance().equals(identity.instance())) {
                    LOG.error("node {} is now held by {}; this process ({}) stops its heartbeat", identity.name(),
                            mine.getInstance(), identity.instance());
                    joined = false;
                    return;
                }
                mine.report(capacity, OffsetDateTime.now());
            }));
        }
    }

    /** A clean stop: the others see this node offline at once, not after the timeout. */
    @PreDestroy
    public void leave() {
        synchronized (rowWrite) {
            if (!joined) {
                return;
            }
            joined = false;
            try {
                tx.executeWithoutResult(status -> nodes.findByName(identity.name())
                        .filter(mine -> mine.getInstance().equals(identity.instance()))
                        .ifPresent(mine -> mine.stopped(OffsetDateTime.now())));
            } catch (RuntimeException e) {
                LOG.warn("node {} could not record its stop: {}", identity.name(), e.getMessage());
            }
        }
    }

    NodeCapacity capacity() {
        HostDetails host = guests.host();
        long hostMemoryMb = host.memoryBytes() / (1024 * 1024);
        long guestMemoryMb = node.maxGuestMemoryMb() > 0 ? node.maxGuestMemoryMb()
                : Math.max(0, hostMemoryMb - RESERVED_HOST_MEMORY_MB);
        // Without a cluster every machine is this node's, whatever name it was placed under before a rename.
        long usedMb = cluster.enabled() ? machines.sumMemoryMbByStateOnNode(MachineState.RUNNING, identity.name())
                : machines.sumMemoryMbByState(MachineState.RUNNING);
        return new NodeCapacity(host.cpus(), host.memoryBytes(), guestMemoryMb * 1024 * 1024,
                Math.max(0, guestMemoryMb - usedMb) * 1024 * 1024,
                freeSpace.usableBytes(), host.runningGuests().size());
    }
}
