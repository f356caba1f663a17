/**
 * The event stream's engine room: {@link dev.diskfleet.provisioning.event.Events} is what other services call
 * to publish; {@link dev.diskfleet.provisioning.event.EventJournal} stores the events of a transaction
 * together once it has committed (a transaction synchronization's afterCommit; a rollback drops them) and
 * hands them to the live subscribers of {@link dev.diskfleet.provisioning.event.EventBroadcast}, each behind
 * a bounded queue; {@link dev.diskfleet.provisioning.event.ConsoleLogs} says where a guest's console log is.
 * Server-sent events: https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
package dev.diskfleet.provisioning.event;
