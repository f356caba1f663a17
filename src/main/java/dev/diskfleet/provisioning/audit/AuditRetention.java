package dev.diskfleet.provisioning.audit;

import dev.diskfleet.provisioning.ClusterJobs;

import dev.diskfleet.domain.audit.AuditEntryRepository;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Keeps the audit log to {@code diskfleet.security.audit-retention} (90 days unless set): older entries go. */
@Configuration
@EnableScheduling
public class AuditRetention {

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditEntryRepository entries;
    private final ClusterJobs jobs;
    private final Duration retention;

    public AuditRetention(AuditEntryRepository entries, ClusterJobs jobs,
            @Value("${diskfleet.security.audit-retention:90d}") Duration retention) {
        this.entries = entries;
        this.jobs = jobs;
        this.retention = retention;
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
}
