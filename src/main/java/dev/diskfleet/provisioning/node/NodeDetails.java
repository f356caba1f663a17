package dev.diskfleet.provisioning.node;

import dev.diskfleet.domain.node.NodeState;
import java.time.OffsetDateTime;

/** A node as {@code GET /api/nodes} shows it. */
public record NodeDetails(String name, String url, String guestAddress, NodeState state, OffsetDateTime lastHeartbeat,
        OffsetDateTime startedAt, int cpus, long memoryBytes, long freeGuestMemoryBytes, long freeDiskBytes,
        int runningGuests, String version) {
}
