/**
 * {@code /api/operations}: long work a client follows (clones, fleet changes), polled or long-polled; a
 * stored error is answered as a problem detail.
 */
package dev.diskfleet.api.operation;
