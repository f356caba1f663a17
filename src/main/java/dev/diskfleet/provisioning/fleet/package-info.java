/**
 * Fleets: deployment (a clone of a normal golden, or an immutable golden used as the base as it is; then
 * members in batches of one transaction each, each member on the node placement gave it), scaling, fleet-wide
 * power and deletion, all or nothing, and reading fleets with their disk usage and their inventory (where each
 * member's forwards are reached). In a cluster the node that runs the operation asks each other node for its
 * share ({@link dev.diskfleet.provisioning.fleet.FleetNodes}); that node makes or removes it
 * ({@link dev.diskfleet.provisioning.fleet.FleetShare}).
 */
package dev.diskfleet.provisioning.fleet;
