/**
 * Real guests: the Spring wiring of the hypervisor engine ({@code diskfleet.hypervisor} = auto, qemu or
 * none), a machine's guest definition built from its attachments and its network (provisioning.network
 * gives the forwards' host ports), its run directory under the data
 * folder, what a guest's exit does to its machine row, adoption of running guests at startup, the host
 * report and the console. May use the domain, the storage, hypervisor and nbd engines; never the HTTP
 * layer. Of the other provisioning features only provisioning.export (a VDI guest reaches its chain
 * through the service's one NBD server, {@code ExportService#exportGuestDisk}) and provisioning.network;
 * the machine and fleet
 * services call this one.
 */
package dev.diskfleet.provisioning.guest;
