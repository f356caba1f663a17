/**
 * Machines: the entity, its repository, its power states and hardware limits, the power rules, the
 * per-machine lock that keeps guest I/O and disk layout changes apart, and its cloud-init setting ({@code
 * CloudInit}, its rules, and {@code CloudInitColumns}: how a machine's or a fleet's row keeps it).
 */
package dev.diskfleet.domain.machine;
