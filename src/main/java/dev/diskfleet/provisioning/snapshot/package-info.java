/**
 * Taking, restoring and deleting snapshots, files and rows together, and reading a machine's snapshot tree
 * (the model is described on {@code domain.snapshot.Snapshot}).
 */
package dev.diskfleet.provisioning.snapshot;
