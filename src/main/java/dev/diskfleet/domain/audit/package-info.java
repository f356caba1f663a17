/**
 * The audit log: one {@link dev.diskfleet.domain.audit.AuditEntry} per state-changing or refused request,
 * and the repository that pages, filters and purges them. JPA and plain Java only: no HTTP types.
 */
package dev.diskfleet.domain.audit;
