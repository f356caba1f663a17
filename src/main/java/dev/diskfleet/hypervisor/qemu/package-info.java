/**
 * The {@code qemu} hypervisor driver: one {@code qemu-system-x86_64} process per running guest, started
 * paused and daemonized (its own session, so it outlives the service), resumed and controlled over QMP on a
 * Unix socket in the machine's run directory; its state comes from QMP events and from /proc, as Incus'
 * {@code internal/server/instance/drivers/driver_qemu.go} does. Sources: QMP in QEMU's
 * {@code docs/interop/qmp-spec.rst}, events and commands in {@code qapi/run-state.json},
 * {@code qapi/machine.json}, {@code qapi/misc.json}, block devices in {@code qapi/block-core.json}.
 * JDK only (Unix-domain {@code SocketChannel}, {@code ProcessHandle}); the small JSON codec is our own.
 */
package dev.diskfleet.hypervisor.qemu;
