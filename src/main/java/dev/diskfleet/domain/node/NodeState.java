package dev.diskfleet.domain.node;

import java.time.Duration;
import java.time.OffsetDateTime;

/** What a node is to the others: taking work, finishing its work but taking none, or gone. */
public enum NodeState {
    ONLINE, DRAINING, OFFLINE;

    /**
     * A node is offline when it stopped cleanly or its heartbeat is older than {@code timeout}: a killed
     * process writes nothing, so silence is the only sign of its death.
     */
    public static NodeState of(Node node, OffsetDateTime now, Duration timeout) {
        if (node.getStoppedAt() != null || node.getLastHeartbeat().plus(timeout).isBefore(now)) {
            return OFFLINE;
        }
        return node.isDrained() ? DRAINING : ONLINE;
    }

    /** The name the API uses. */
    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
