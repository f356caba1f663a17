/**
 * {@code GET /api/audit}: the audit log, newest first, filtered by principal and time, paged. HTTP layer:
 * calls provisioning.audit; admin only (see api.security).
 */
package dev.diskfleet.api.audit;
