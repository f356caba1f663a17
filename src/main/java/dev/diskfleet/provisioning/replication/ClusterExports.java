package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.node.Node;
import dev.diskfleet.provisioning.export.ExportDetails;
import dev.diskfleet.provisioning.export.ExportService;
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
    private final Owners owners;
    private final PeerRequests peers;

    ClusterExports(ExportService exports, Owners owners, PeerRequests peers) {
        this.exports = exports;
        this.owners = owners;
        this.peers = peers;
    }

    /** Every node's exports, oldest first, paged. */
    public Page<ExportDetails> list(Pageable pageable) {
        List<Node> others = owners.onlineOthers();
        if (others.isEmpty()) {
            return exports.list(pageable);
        }
        List<ExportDetails> all = new ArrayList<>(exports.all());
        others.forEach(node -> peers.get(node, "/internal/exports", ExportDetails[].class)
                .ifPresent(theirs -> all.addAll(Arrays.asList(theirs))));
        all.sort(Comparator.comparing(ExportDetails::createdAt).thenComparing(ExportDetails::id));
        int from = (int) Math.min(all.size(), pageable.getOffset());
        int to = (int) Math.min(all.size(), (long) from + pageable.getPageSize());
        return new PageImpl<>(all.subList(from, to), pageable, all.size());
    }
}
