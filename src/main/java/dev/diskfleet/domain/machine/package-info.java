/**
 * Machines: the entity, its repository, its power states and hardware limits, the power rules and the
 * per-machine lock that keeps guest I/O and disk layout changes apart. Uses the domain kernel and Spring
 * Data JPA.
 */
package dev.diskfleet.domain.machine;
