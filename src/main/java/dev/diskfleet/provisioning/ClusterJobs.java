package dev.diskfleet.provisioning;

import java.time.Duration;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/**
 * Housekeeping that one node of a cluster does for all (the purges of events, audit entries and idempotency
 * keys): each node schedules it, and the one that takes the job's lock in the shared database runs it while
 * the others skip that round. The locks are Spring Integration's {@link JdbcLockRegistry} (table INT_LOCK);
 * a node that dies holding one loses it when it lapses. On the embedded H2 database there is one node, and
 * it always gets the lock.
 */
public class ClusterJobs {

    private static final Logger log = LoggerFactory.getLogger(ClusterJobs.class);

    private final JdbcLockRegistry locks;

    public ClusterJobs(JdbcLockRegistry locks) {
        this.locks = locks;
    }

    /** Runs {@code work} unless another node holds the job now; whether it ran. */
    public boolean runOnce(String job, Runnable work) {
        Lock lock = locks.obtain(job);
        boolean mine;
        try {
            mine = lock.tryLock(Duration.ZERO.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!mine) {
            log.debug("{}: another node runs it this round", job);
            return false;
        }
        try {
            work.run();
            return true;
        } finally {
            lock.unlock();
        }
    }
}
