/**
 * Machines and their disks: create, patch, delete, attach and detach (an immutable image gets the
 * machine's own differencing disk), power actions (power-on empties autoReset disks). Uses the machine,
 * attachment and image domains, provisioning.attachment, provisioning.snapshot (a deleted machine's
 * snapshots are dissolved) and storage.
 */
package dev.diskfleet.provisioning.machine;
