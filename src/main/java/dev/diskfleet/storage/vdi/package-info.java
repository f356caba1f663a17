/**
 * The VDI driver (VirtualBox's format, version 1.1): header, block map, differencing images linked by
 * UUID. May use the JDK and the storage core's driver interface only, never another driver. Sources:
 * VirtualBox {@code VDICore.h}/{@code VDI.cpp}, QEMU {@code block/vdi.c}; restated in
 * docs/formats.md §1.
 */
package dev.diskfleet.storage.vdi;
