package dev.diskfleet.provisioning.audit;

import dev.diskfleet.provisioning.ClusterJobs;

import dev.diskfleet.domain.audit.AuditEntryRepository;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.domain.PageRequest;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Keeps the audit log to {@code diskfleet.security.audit-retention} (90 days unless set) and to
 * {@code diskfleet.security.audit-max-rows} entries (100,000 unless set): older entries go, the oldest first.
 */
@Configuration
@EnableScheduling
public class AuditRetention {

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditEntryRepository entries;
    private final ClusterJobs jobs;
    private final Duration retention;
    private final int maxRows;

    public AuditRetention(AuditEntryRepository entries, ClusterJobs jobs,
            @Value("${diskfleet.security.audit-retention:90d}") Duration retention,
            @Value("${diskfleet.security.audit-max-rows:100000}") int maxRows) {
        this.entries = entries;
        this.jobs = jobs;
        this.retention = retention;
        this.maxRows = maxRows;
    }

    /**
     * Soon after start, then every {@code diskfleet.security.audit-purge-interval} (an hour); on one node of
     * a cluster at a time.
     */
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "${diskfleet.security.audit-purge-interval:PT1H}")
    public void purge() {
        jobs.runOnce("audit-purge", this::purgeNow);
    }

    private void purgeNow() {
        int removed = entries.deleteOlderThan(OffsetDateTime.now().minus(retention));
        if (removed > 0) {
            log.info("audit: removed {} entries older than {}", removed, retention);
        }
    }

    /**
     * Every {@code diskfleet.security.audit-trim-interval} (a minute): past the most entries kept, the oldest go,
     * so no burst of requests grows the table beyond its bound for long.
     */
    @Scheduled(initialDelayString = "PT10S", fixedDelayString = "${diskfleet.security.audit-trim-interval:PT1M}")
    public void trim() {
        jobs.runOnce("audit-trim", this::trimNow);
    }

    private void trimNow() {
        List<OffsetDateTime> past = entries.occurredNewestFirst(PageRequest.of(maxRows, 1));
        if (!past.isEmpty()) {
            // Entries as old as the first one past the bound go too: the bound holds even when times tie.
            int removed = entries.deleteOlderThan(past.get(0).plusNanos(1));
            log.info("audit: removed the {} oldest entries to keep at most {}", removed, maxRows);
        }
    }
}
