package dev.diskfleet.api.fleet;

import dev.diskfleet.support.Postgres;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/** {@link FleetRaceContract} on PostgreSQL: skipped locally without a server, failed under CI=true. */
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = Postgres.class)
class FleetRacePostgresTest extends FleetRaceContract {

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireServer();
    }
}
