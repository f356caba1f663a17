package dev.diskfleet.bench;

import dev.diskfleet.support.Postgres;
import java.util.List;
import java.util.UUID;

/**
 * The database a bench's service runs on: the embedded H2 by default, or with {@code -Dbench.database=postgres}
 * a schema of its own on the test PostgreSQL ({@link Postgres#URL}), made on first use and kept for every start
 * of the run (the golden's row lives in it), dropped by {@link #dropIfMade()}.
 */
final class BenchDatabase {

    private static final boolean POSTGRES = "postgres".equals(System.getProperty("bench.database", "h2"));
    private static String schema;

    private BenchDatabase() {
    }

    static String describe() {
        return POSTGRES ? "PostgreSQL (" + Postgres.URL + ")" : "H2 in file mode";
    }

    /** The arguments that point a service at it. */
    static synchronized List<String> serviceArgs() {
        if (!POSTGRES) {
            return List.of();
        }
        if (schema == null) {
            schema = "fleet_bench_" + UUID.randomUUID().toString().replace("-", "");
            Postgres.execute("CREATE SCHEMA " + schema);
        }
        return List.of("--spring.profiles.active=postgres", "--DISKFLEET_DB_URL=" + Postgres.URL + "?currentSchema=" + schema,
                "--DISKFLEET_DB_USER=" + Postgres.USER, "--DISKFLEET_DB_PASSWORD=");
    }

    static synchronized void dropIfMade() {
        if (schema != null) {
            Postgres.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            schema = null;
        }
    }
}
