/**
 * Fleets: deployment (a clone of a normal golden, or an immutable golden used as the base as it is; then
 * members in batches of one transaction each), scaling, fleet-wide power and deletion, all or nothing, and
 * reading fleets with their disk usage and their inventory (where each member's forwards listen).
 */
package dev.diskfleet.provisioning.fleet;
