/**
 * NBD exports through the service: an image's whole chain read-only, or a machine's disk chain (read-only or
 * writable into the machine's own medium), served by the one {@link dev.diskfleet.nbd.NbdServer}. Exports
 * live in memory and end with the process. While exported, an image is held against deletion and a machine's
 * disks against layout changes; writable exports follow the HTTP guest-data endpoint's rules (the guest-I/O
 * lock per request, one writer per medium, ENOSPC below min-free-space). A user's export is named with 128
 * random bits, told only to its maker.
 */
package dev.diskfleet.provisioning.export;
