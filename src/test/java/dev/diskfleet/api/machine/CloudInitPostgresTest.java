package dev.diskfleet.api.machine;

import dev.diskfleet.support.Postgres;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The cloud-init tests on PostgreSQL through the postgres profile, in a schema of their own: the text
 * columns, the meta-data tables, and a machine with meta-data deleted. Skipped locally without a
 * server; with CI=true a missing server fails it.
 */
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = Postgres.class)
class CloudInitPostgresTest extends CloudInitApiTest {

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireServer();
    }
}
