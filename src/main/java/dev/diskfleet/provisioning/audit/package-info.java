/**
 * Writing and reading the audit log ({@link dev.diskfleet.provisioning.audit.AuditLog}) and purging entries
 * older than {@code diskfleet.security.audit-retention} on a schedule ({@link
 * dev.diskfleet.provisioning.audit.AuditRetention}).
 */
package dev.diskfleet.provisioning.audit;
