/**
 * The host endpoint: which hypervisor driver runs guests here, QEMU's version and accelerator, the host's
 * CPUs and memory, and the guests running now. HTTP layer: calls provisioning.guest only.
 */
package dev.diskfleet.api.host;
