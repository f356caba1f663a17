/**
 * The hypervisor engine: runs a machine's guest from a {@link dev.diskfleet.hypervisor.GuestSpec} and reports
 * when it stops. {@link dev.diskfleet.hypervisor.Hypervisor} is the one interface; each driver lives in its
 * own folder ({@code none/} records only, {@code qemu/} one QEMU process per guest driven over QMP, as Incus'
 * {@code driver_qemu.go} and Proxmox' {@code QemuServer.pm} do); {@code seed/} writes the cloud-init seed a
 * guest's spec may carry and depends on nothing here. Plain Java: the JDK and the storage core only, no
 * Spring, no JPA, nothing from the layers above.
 */
package dev.diskfleet.hypervisor;
