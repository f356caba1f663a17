/**
 * Operations, long work a client follows: the entity and its states and repository.
 */
package dev.diskfleet.domain.operation;
