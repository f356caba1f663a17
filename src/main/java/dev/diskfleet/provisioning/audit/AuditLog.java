package dev.diskfleet.provisioning.audit;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.domain.audit.AuditEntry;
import dev.diskfleet.domain.audit.AuditEntryRepository;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Records requests in the audit log and reads them back, newest first. */
@Service
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** Open bounds of a search, inside what both H2 and PostgreSQL store. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final AuditEntryRepository entries;

    public AuditLog(AuditEntryRepository entries) {
        this.entries = entries;
    }

    /**
     * Writes one entry. A failure to write is logged, not thrown: the request it describes has already
     * been answered, and its outcome must not change because the log could not be written.
     */
    public void record(Actor actor, String method, String path, int status, String clientAddress) {
        try {
            entries.save(new AuditEntry(OffsetDateTime.now(), actor, method, path, status, clientAddress));
        } catch (RuntimeException e) {
            log.error("audit: could not record {} {} -> {} by {} from {}", method, path, status, actor.name(),
                    clientAddress, e);
        }
    }

    /** Entries in [from, to) (either bound may be null: open), of one principal when given. */
    @Transactional(readOnly = true)
    public Page<AuditEntry> search(String principal, OffsetDateTime from, OffsetDateTime to, Pageable pageable) {
        OffsetDateTime since = from == null ? EARLIEST : from;
        OffsetDateTime until = to == null ? LATEST : to;
        return principal == null || principal.isBlank()
                ? entries.findByOccurredAtGreaterThanEqualAndOccurredAtLessThan(since, until, pageable)
                : entries.findByPrincipalAndOccurredAtGreaterThanEqualAndOccurredAtLessThan(principal, since, until,
                        pageable);
    }
}
