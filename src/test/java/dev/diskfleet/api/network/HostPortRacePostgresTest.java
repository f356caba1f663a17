package dev.diskfleet.api.network;

import dev.diskfleet.support.Postgres;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/** {@link HostPortRaceContract} on PostgreSQL: skipped locally without a server, failed under CI=true. */
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = Postgres.class)
class HostPortRacePostgresTest extends HostPortRaceContract {

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireServer();
    }
}
