package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.domain.node.NodeState;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.export.ExportDetails;
import dev.diskfleet.provisioning.export.ExportService;
import dev.diskfleet.provisioning.node.ClusterProperties;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Component;

/**
 * The NBD exports of every node, as one list: exports live in the memory of the node that serves them, not in
 * the database, so in a cluster the list asks every other online node for its own ({@code GET /internal/exports})
 * and merges them, oldest first. A node that does not answer is left out.
 */
@Component
public class ClusterExports {

    private final ExportService exports;
    private final NodeRepository nodes;
    private final PeerRequests peers;
    private final LocalNode local;
    private final ClusterProperties cluster;
    private final Clock clock;

    ClusterExports(ExportService exports, NodeRepository nodes, PeerRequests peers, LocalNode local,
            ClusterProperties cluster, Clock clock) {
        this.exports = exports;
        this.nodes = nodes;
        this.peers = peers;
        this.local = local;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** Every node's exports, oldest first, paged. */
    public Page<ExportDetails> list(Pageable pageable) {
        if (!cluster.enabled()) {
            return exports.list(pageable);
        }
        List<ExportDetails> all = new ArrayList<>(exports.all());
        OffsetDateTime now = OffsetDateTime.now(clock);
        nodes.findAllByOrderByNameAsc().stream()
                .filter(node -> !node.getName().equals(local.name()))
                .filter(node -> NodeState.of(node, now, cluster.nodeTimeout()) != NodeState.OFFLINE)
                .forEach(node -> peers.get(node, "/internal/exports", ExportDetails[].class)
                        .ifPresent(theirs -> all.addAll(Arrays.asList(theirs))));
        all.sort(Comparator.comparing(ExportDetails::createdAt).thenComparing(ExportDetails::id));
        int from = (int) Math.min(all.size(), pageable.getOffset());
        int to = (int) Math.min(all.size(), (long) from + pageable.getPageSize());
        return new PageImpl<>(all.subList(from, to), pageable, all.size());
    }
}
