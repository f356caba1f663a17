package dev.diskfleet.provisioning.audit;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.domain.audit.AuditEntry;
import dev.diskfleet.domain.audit.AuditEntryRepository;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records requests in the audit log and reads them back, newest first. Refusals (401, 403, 429) are counted
 * per client address, principal and status in windows of {@code diskfleet.security.audit-refusal-window}
 * (a minute): the first of a window is written at once, the count of the rest each second
 * ({@link RefusalWindows}). So requests without a token, however many, cannot grow the table faster than
 * a row per address a minute.
 */
@Service
public class AuditLog {

    private static final Set<Integer> REFUSALS = Set.of(401, 403, 429);

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** Open bounds of a search, inside what both H2 and PostgreSQL store. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final AuditEntryRepository entries;
    private final RefusalWindows refusals;

    public AuditLog(AuditEntryRepository entries,
            @Value("${diskfleet.security.audit-refusal-window:1m}") Duration refusalWindow) {
        this.entries = entries;
        this.refusals = new RefusalWindows(refusalWindow, Clock.systemUTC());
    }

    /**
     * Writes one entry. A failure to write is logged, not thrown: the request it describes has already
     * been answered, and its outcome must not change because the log could not be written.
     */
    public void record(Actor actor, String method, String path, int status, String clientAddress) {
        try {
            if (REFUSALS.contains(status)) {
                refusals.count(new RefusalWindows.Key(clientAddress, actor.name(), status), () -> entries.save(
                        new AuditEntry(OffsetDateTime.now(), actor, method, path, status, clientAddress)).getId());
            } else {
                entries.save(new AuditEntry(OffsetDateTime.now(), actor, method, path, status, clientAddress));
            }
        } catch (RuntimeException e) {
            log.error("audit: could not record {} {} -> {} by {} from {}", method, path, status, actor.name(),
                    clientAddress, e);
        }
    }

    /** Writes the refusal counts that grew since the last time: each second, and when the service stops. */
    @Scheduled(fixedDelayString = "PT1S")
    @PreDestroy
    public void writeRefusalCounts() {
        for (RefusalWindows.Count count : refusals.unwritten()) {
            try {
                entries.setCount(count.entryId(), count.count(),
                        OffsetDateTime.ofInstant(Instant.ofEpochMilli(count.lastMillis()), ZoneOffset.UTC));
            } catch (RuntimeException e) {
                log.warn("audit: could not write the count {} of refusals entry {}: {}", count.count(),
                        count.entryId(), e.toString());
            }
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
