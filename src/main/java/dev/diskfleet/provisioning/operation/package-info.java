/**
 * Runs long work on a small pool and keeps its operation row current (it names the node whose pool runs
 * it, so that each node's startup recovery fails only its own); reads operations for clients. An
 * operation's error is described by a {@link dev.diskfleet.provisioning.operation.FailureDescriber} the HTTP
 * layer provides.
 */
package dev.diskfleet.provisioning.operation;
