/**
 * The event stream's engine room: {@link dev.diskfleet.provisioning.event.Events} is what other services call
 * to publish; {@link dev.diskfleet.provisioning.event.EventJournal} stores each event once its transaction
 * has committed (Spring's {@code @TransactionalEventListener(AFTER_COMMIT)}) and hands it to the live
 * subscribers of {@link dev.diskfleet.provisioning.event.EventBroadcast}, each behind a bounded queue;
 * {@link dev.diskfleet.provisioning.event.ConsoleLogs} says where a guest's console log is. Uses domain.event
 * and Spring; no HTTP types. Server-sent events: https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
package dev.diskfleet.provisioning.event;
