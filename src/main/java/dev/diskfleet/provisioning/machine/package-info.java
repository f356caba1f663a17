/**
 * Machines and their disks: create, patch, delete, attach and detach (an immutable image gets the machine's
 * own differencing disk), power actions (power-on empties autoReset disks); many machines of one kind, each
 * on its own disk of one immutable image, in one batch of statements (a fleet's members).
 */
package dev.diskfleet.provisioning.machine;
