package dev.diskfleet.provisioning.node;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeState;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The nodes as every node sees them (all of it comes from the database), and draining them. */
@Service
public class NodeCatalog {

    private final NodeRepository nodes;
    private final ClusterProperties cluster;

    public NodeCatalog(NodeRepository nodes, ClusterProperties cluster) {
        this.nodes = nodes;
        this.cluster = cluster;
    }

    @Transactional(readOnly = true)
    public List<NodeDetails> list() {
        OffsetDateTime now = OffsetDateTime.now();
        return nodes.findAllByOrderByNameAsc().stream().map(node -> details(node, now)).toList();
    }

    /** A drained node finishes what it runs and is given no new guest; draining twice changes nothing. */
    @Transactional
    public NodeDetails setDrained(String name, boolean drained) {
        Node node = nodes.findByName(name).orElseThrow(() -> new NotFoundException("node", name));
        node.setDrained(drained);
        return details(node, OffsetDateTime.now());
    }

    private NodeDetails details(Node node, OffsetDateTime now) {
        return new NodeDetails(node.getName(), node.getUrl(), node.getGuestAddress(), NodeState.of(node, now, cluster.nodeTimeout()),
                node.getLastHeartbeat(), node.getStartedAt(), node.getCpus(), node.getMemoryBytes(),
                node.getFreeGuestMemoryBytes(), node.getFreeDiskBytes(), node.getRunningGuests(),
                node.getServiceVersion());
    }
}
