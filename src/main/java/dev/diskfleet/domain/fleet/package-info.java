/**
 * Fleets: the entity, its members, their repositories, states and limits, and the rules that need no
 * database (when a fleet may change, which numbers new members get). Uses the domain kernel, the machine's
 * {@code CloudInit} value (what members get) and Spring Data JPA.
 */
package dev.diskfleet.domain.fleet;
