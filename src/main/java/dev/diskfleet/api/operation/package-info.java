/**
 * {@code /api/operations}: long work a client follows (clones, fleet changes), polled or long-polled;
 * a stored error is answered as a problem detail. Uses {@code provisioning.operation} and api.web.
 */
package dev.diskfleet.api.operation;
