package dev.diskfleet.api.image;

import dev.diskfleet.support.Postgres;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The images API on PostgreSQL through the postgres profile, in a schema of its own. Skipped locally
 * without a server; with CI=true a missing server fails it.
 */
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = Postgres.class)
class ImagesApiPostgresTest extends ImagesApiContract {

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireServer();
    }
}
