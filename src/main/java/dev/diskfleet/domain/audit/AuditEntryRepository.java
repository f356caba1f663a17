package dev.diskfleet.domain.audit;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface AuditEntryRepository extends JpaRepository<AuditEntry, UUID> {

    /** Entries in [from, to). */
    Page<AuditEntry> findByOccurredAtGreaterThanEqualAndOccurredAtLessThan(OffsetDateTime from, OffsetDateTime to,
            Pageable pageable);

    /** One principal's entries in [from, to). */
    Page<AuditEntry> findByPrincipalAndOccurredAtGreaterThanEqualAndOccurredAtLessThan(String principal,
            OffsetDateTime from, OffsetDateTime to, Pageable pageable);

    /** Sets the count of a window's refusals entry. */
    @Modifying
    @Transactional
    @Query("UPDATE AuditEntry e SET e.count = :count, e.lastOccurredAt = :last WHERE e.id = :id")
    int setCount(@Param("id") UUID id, @Param("count") int count, @Param("last") OffsetDateTime last);

    /** The times of entries, newest first: the page's one row past a limit tells where the limit cuts. */
    @Query("SELECT e.occurredAt FROM AuditEntry e ORDER BY e.occurredAt DESC")
    List<OffsetDateTime> occurredNewestFirst(Pageable pageable);

    @Modifying
    @Transactional
    @Query("DELETE FROM AuditEntry e WHERE e.occurredAt < :cutoff")
    int deleteOlderThan(@Param("cutoff") OffsetDateTime cutoff);
}
