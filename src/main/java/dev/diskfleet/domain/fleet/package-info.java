/**
 * Fleets: the entity, its members, their repositories, states and limits, and the rules that need no database
 * (when a fleet may change, which numbers new members get).
 */
package dev.diskfleet.domain.fleet;
