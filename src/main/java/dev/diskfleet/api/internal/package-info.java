/**
 * {@code /internal/**}: what the nodes of a cluster ask each other for (an immutable image's file, as stored,
 * with its SHA-256; making or removing a node's share of a fleet's members; a fleet's power action on a member a
 * node holds; a lost node's machine started on the node picked for it; whether a node serves an NBD export).
 * Not part of the public API document; guarded by the cluster secret alone ({@code api.security}), and absent
 * (404) outside a cluster.
 */
package dev.diskfleet.api.internal;
