/**
 * The domain kernel every feature shares: {@link dev.diskfleet.domain.BaseEntity} (id, version,
 * timestamps) and the exception family rules throw ({@link dev.diskfleet.domain.DomainException}: not
 * found, conflict, invalid request, precondition failed, ...), plus the versions a client expects a row to be
 * at ({@link dev.diskfleet.domain.ExpectedVersion}) and enum spellings. No HTTP
 * types: the HTTP layer maps these exceptions to problem details. Uses JPA only.
 */
package dev.diskfleet.domain;
