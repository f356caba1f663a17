/**
 * Nodes: the service processes that share one database. The {@link dev.diskfleet.domain.node.Node} row
 * each process keeps alive with its heartbeat, its repository, and {@link dev.diskfleet.domain.node.NodeState},
 * the rule that tells online, draining and offline apart, and {@link dev.diskfleet.domain.node.PlacementRule},
 * which places equal guests over nodes by the guest memory each has left (spread or pack). JPA and plain Java
 * only.
 */
package dev.diskfleet.domain.node;
