/**
 * Writing and reading the audit log ({@link dev.diskfleet.provisioning.audit.AuditLog}), refusals counted
 * per address and window ({@link dev.diskfleet.provisioning.audit.RefusalWindows}), and purging entries
 * older than {@code diskfleet.security.audit-retention} or past {@code diskfleet.security.audit-max-rows}
 * on a schedule ({@link dev.diskfleet.provisioning.audit.AuditRetention}).
 */
package dev.diskfleet.provisioning.audit;
