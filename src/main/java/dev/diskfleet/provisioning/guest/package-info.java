/**
 * Real guests: the Spring wiring of the hypervisor engine ({@code diskfleet.hypervisor} = auto, qemu or
 * none), a machine's guest definition built from its attachments and its network (provisioning.network gives
 * the forwards' host ports), its run directory under the data folder, what a guest's exit does to its machine
 * row, adoption of running guests at startup (in a cluster only this node's machines; a guest of a machine
 * given to another node meanwhile is powered off), the host report and the console. A VDI guest reaches its chain
 * through the service's one NBD server ({@code ExportService#exportGuestDisk}); the machine and fleet
 * services call this package.
 */
package dev.diskfleet.provisioning.guest;
