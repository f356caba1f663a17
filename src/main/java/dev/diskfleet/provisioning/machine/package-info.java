/**
 * Machines and their disks: create, patch, delete, attach and detach (an immutable image gets the machine's
 * own differencing disk), power actions (power-on empties autoReset disks).
 */
package dev.diskfleet.provisioning.machine;
