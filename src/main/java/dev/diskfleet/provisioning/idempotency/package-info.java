/**
 * The idempotency keys table: claiming a key, storing the answer to replay, releasing it. Each statement
 * commits on its own (JdbcClient), so a claim is visible to concurrent requests at once.
 */
package dev.diskfleet.provisioning.idempotency;
