/**
 * Operations, long work a client follows: the entity and its states and repository. Uses the domain
 * kernel and Spring Data JPA.
 */
package dev.diskfleet.domain.operation;
