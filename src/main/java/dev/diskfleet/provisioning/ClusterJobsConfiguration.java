package dev.diskfleet.provisioning;

import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/** The cluster's job locks in the shared database ({@link ClusterJobs}). */
@Configuration
public class ClusterJobsConfiguration {

    /** Longer than any purge takes: a lock outlives its holder by at most this. */
    static final Duration LOCK_TIME_TO_LIVE = Duration.ofMinutes(10);

    @Bean
    DefaultLockRepository clusterLockRepository(DataSource dataSource) {
        DefaultLockRepository repository = new DefaultLockRepository(dataSource, UUID.randomUUID().toString());
        repository.setRegion("diskfleet");
        return repository;
    }

    @Bean
    JdbcLockRegistry clusterLockRegistry(DefaultLockRepository clusterLockRepository) {
        return new JdbcLockRegistry(clusterLockRepository, LOCK_TIME_TO_LIVE);
    }

    @Bean
    ClusterJobs clusterJobs(JdbcLockRegistry clusterLockRegistry) {
        return new ClusterJobs(clusterLockRegistry);
    }
}
