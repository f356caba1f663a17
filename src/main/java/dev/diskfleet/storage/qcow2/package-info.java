/**
 * The qcow2 driver (QEMU's format, versions 2 and 3): header and extensions, L1/L2 tables, refcounts,
 * overlays naming a backing file, written in QEMU's crash-safe order (for guest-facing writers, with new
 * clusters' L2/L1 entries written back at flush, as QEMU's cache=writeback does). May use the JDK and the storage
 * core's driver interface only, never another driver. Source: QEMU {@code docs/interop/qcow2.txt} and
 * {@code block/qcow2*.c}; restated in docs/formats.md §2.
 */
package dev.diskfleet.storage.qcow2;
