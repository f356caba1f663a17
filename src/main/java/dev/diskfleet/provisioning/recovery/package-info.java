/**
 * The one ordered startup recovery: what a stopped process left behind (temporary files, interrupted
 * operations and fleets, rows without files, claimed idempotency keys) is put right before the web server
 * accepts requests.
 */
package dev.diskfleet.provisioning.recovery;
