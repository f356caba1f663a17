/**
 * {@code /internal/**}: what the nodes of a cluster ask each other for (an immutable image's file, as stored,
 * with its SHA-256; making or removing a node's share of a fleet's members). Not part of the public API
 * document; guarded by the cluster secret alone ({@code api.security}), and absent (404) outside a cluster.
 */
package dev.diskfleet.api.internal;
