/**
 * This process as a node of the database it shares: {@link dev.diskfleet.provisioning.node.NodeMembership}
 * registers it before startup recovery touches anything (refusing to start beside another live process
 * unless {@code diskfleet.cluster.enabled} says they form a cluster) and keeps its heartbeat;
 * {@link dev.diskfleet.provisioning.node.NodeCatalog} lists the nodes and drains them;
 * {@link dev.diskfleet.provisioning.node.NodePlacement} says which node a machine or fleet member lives on.
 */
package dev.diskfleet.provisioning.node;
