/**
 * {@code GET /api/events}: the server-sent event stream (text/event-stream, WHATWG HTML §9.2) of what
 * changes, replayed from the store after a {@code Last-Event-ID}, with heartbeats, filters and a guest's
 * console lines on request.
 */
package dev.diskfleet.api.event;
