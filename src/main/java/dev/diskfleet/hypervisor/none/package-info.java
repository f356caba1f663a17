/**
 * The {@code none} hypervisor driver: starting a guest only records that it "runs" (in memory and in a
 * record file in its run directory, so that a restarted service adopts it), as Diskfleet behaved before it
 * booted real guests. For hosts without QEMU and for tests of everything above the engine. JDK only.
 */
package dev.diskfleet.hypervisor.none;
