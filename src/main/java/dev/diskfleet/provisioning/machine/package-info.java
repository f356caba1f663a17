/**
 * Machines and their disks: create, patch, delete, attach and detach (an immutable image gets the
 * machine's own differencing disk), power actions (power-on empties autoReset disks). Uses the machine,
 * attachment and image domains, provisioning.attachment, provisioning.snapshot (a deleted machine's
 * snapshots are dissolved), provisioning.guest (power actions boot and stop guests), provisioning.network
 * (a machine's forwards get their host ports in the transaction that writes it) and storage.
 */
package dev.diskfleet.provisioning.machine;
