package dev.diskfleet.provisioning.idempotency;

import dev.diskfleet.provisioning.ClusterJobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the idempotency table bounded while the service runs: expired answers are deleted every
 * {@code diskfleet.idempotency.purge-interval} (default 1h), not only at the next start.
 */
@Component
class IdempotencyPurge {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyPurge.class);

    private final IdempotencyStore store;
    private final ClusterJobs jobs;

    IdempotencyPurge(IdempotencyStore store, ClusterJobs jobs) {
        this.store = store;
        this.jobs = jobs;
    }

    @Scheduled(fixedDelayString = "${diskfleet.idempotency.purge-interval:1h}",
            initialDelayString = "${diskfleet.idempotency.purge-interval:1h}")
    void purgeExpired() {
        jobs.runOnce("idempotency-purge", this::forgetExpired);
    }

    private void forgetExpired() {
        int forgotten = store.forgetExpired();
        if (forgotten > 0) {
            log.info("idempotency keys: forgot {} expired answer(s)", forgotten);
        }
    }
}
