package dev.diskfleet.provisioning.node;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code diskfleet.cluster.*}: whether processes share the database as nodes, and how a dead one is told.
 *
 * @param enabled whether several live processes may share the database; without it a second one is refused
 *     at startup, naming the first, so two processes never take each other's image files for missing
 * @param nodeTimeout a node whose heartbeat is older than this is offline
 * @param heartbeatInterval how often a node renews its heartbeat (well below {@code nodeTimeout})
 * @param restartLostGuests whether the machines of a lost node whose every disk is an autoReset differencing
 *     disk are started on another node by themselves (the others wait for their node)
 */
@ConfigurationProperties("diskfleet.cluster")
public record ClusterProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("30s") Duration nodeTimeout,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("false") boolean restartLostGuests) {
}
