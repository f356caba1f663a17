package dev.diskfleet.provisioning.event;

import dev.diskfleet.provisioning.ClusterJobs;
import org.springframework.transaction.support.TransactionTemplate;

import dev.diskfleet.domain.event.StoredEventRepository;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Keeps stored events for {@code diskfleet.events.retention} (7 days unless set): a client away longer starts afresh. */
@Component
public class EventRetention {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

    private final StoredEventRepository events;
    private final Duration retention;
    private final ClusterJobs jobs;
    private final TransactionTemplate transactions;

    public EventRetention(StoredEventRepository events, ClusterJobs jobs, TransactionTemplate transactions,
            @Value("${diskfleet.events.retention:7d}") Duration retention) {
        this.events = events;
        this.jobs = jobs;
        this.transactions = transactions;
        this.retention = retention;
    }

    /** Every {@code diskfleet.events.purge-interval}, on one node of a cluster at a time. */
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "${diskfleet.events.purge-interval:PT1H}")
    public void purge() {
        jobs.runOnce("events-purge", () -> transactions.executeWithoutResult(status -> purgeNow()));
    }

    private void purgeNow() {
        int removed = events.deleteOlderThan(OffsetDateTime.now().minus(retention));
        if (removed > 0) {
            log.info("events: removed {} older than {}", removed, retention);
        }
    }
}
