/**
 * What changed, as events: {@link dev.diskfleet.domain.event.DomainEvent} records published through Spring's
 * {@code ApplicationEventPublisher} (by provisioning, or by {@link
 * dev.diskfleet.domain.event.ResourceChangeListener} for every created, changed or deleted row), and the
 * stored form with its increasing id that the event stream replays.
 */
package dev.diskfleet.domain.event;
