/**
 * Any node answers: an action on an image's file or a machine's guest that another node holds (power, console,
 * guest disk I/O, content, exports, snapshots, check, clone, deletes) is sent on to that node and its answer
 * copied back, streamed, as if this node had given it; reads of rows stay here. {@link
 * dev.diskfleet.api.forwarding.OwnerRoutes} names those actions and asks provisioning which node holds what
 * each names; {@link dev.diskfleet.api.forwarding.NodeForwarder} sends them; {@link
 * dev.diskfleet.api.forwarding.ForwardedRequestFilter} lets a forwarded request in only with the cluster
 * secret. Nothing here is active outside a cluster. HTTP layer: uses {@code api.web} for problems and the
 * provisioning's owners and cluster secret.
 */
package dev.diskfleet.api.forwarding;
