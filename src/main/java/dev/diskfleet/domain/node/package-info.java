/**
 * Nodes: the service processes that share one database. The {@link dev.diskfleet.domain.node.Node} row
 * each process keeps alive with its heartbeat, its repository, and {@link dev.diskfleet.domain.node.NodeState},
 * the rule that tells online, draining and offline apart. JPA and plain Java only.
 */
package dev.diskfleet.domain.node;
