package dev.diskfleet.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackTest;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/**
 * A once-per-cluster job runs on the node that takes its lock in the shared database: while another node
 * (here a second lock client on the same database, as a second service process would be) holds the job,
 * this node skips it; once that node lets go, this node runs it.
 */
class ClusterJobsTest extends FullStackTest {

    @Autowired
    ClusterJobs jobs;
    @Autowired
    DataSource dataSource;
    @Autowired
    ApplicationContext context;

    @Test
    void aJobAnotherNodeHoldsIsSkippedAndRunsOnceThatNodeLetsGo() {
        JdbcLockRegistry otherNode = otherNode();
        String job = "test-job-" + UUID.randomUUID();
        AtomicInteger runs = new AtomicInteger();

        Lock held = otherNode.obtain(job);
        assertThat(held.tryLock()).as("the other node takes the job").isTrue();
        try {
            assertThat(jobs.runOnce(job, runs::incrementAndGet)).as("ran while another node held it").isFalse();
            assertThat(runs).hasValue(0);
        } finally {
            held.unlock();
        }
        assertThat(jobs.runOnce(job, runs::incrementAndGet)).isTrue();
        assertThat(runs).hasValue(1);

        Lock again = otherNode.obtain(job);
        assertThat(again.tryLock()).as("this node let the job go after running it").isTrue();
        again.unlock();
    }

    private JdbcLockRegistry otherNode() {
        DefaultLockRepository repository = new DefaultLockRepository(dataSource, UUID.randomUUID().toString());
        repository.setRegion("diskfleet");
        repository.setApplicationContext(context);
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        return new JdbcLockRegistry(repository, Duration.ofMinutes(1));
    }
}
