/**
 * Runs long work on a small pool and keeps its operation row current; reads operations for clients. An
 * operation's error is described by a {@link dev.diskfleet.provisioning.operation.FailureDescriber} the HTTP
 * layer provides.
 */
package dev.diskfleet.provisioning.operation;
