/**
 * Taking, restoring and deleting snapshots, files and rows together, and reading a machine's snapshot
 * tree (the model is described on {@code domain.snapshot.Snapshot}). Uses the snapshot, attachment,
 * image and machine domains and storage.
 */
package dev.diskfleet.provisioning.snapshot;
