package dev.diskfleet.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * The PostgreSQL server CI provides: 127.0.0.1:5432, database {@code test}, trust authentication. Each
 * application context gets its own schema (dropped when it closes), so test runs in several worktrees
 * at once never see each other's tables. The connection reaches the service the way production does:
 * through the postgres profile's {@code DISKFLEET_DB_*} settings.
 */
public class Postgres implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String URL = env("DISKFLEET_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = env("DISKFLEET_TEST_DB_USER", "postgres");

    /** Locally an absent server skips the PostgreSQL tests; with CI=true it fails them. */
    public static void requireServer() {
        if ("true".equals(System.getenv("CI"))) {
            return;
        }
        try (Connection ignored = connect(URL)) {
            // reachable
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL is not reachable at " + URL + " as " + USER + ": " + e.getMessage());
        }
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String schema = "diskfleet_test_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("postgres-schema", Map.of(
                "DISKFLEET_DB_URL", URL + "?currentSchema=" + schema,
                "DISKFLEET_DB_USER", USER,
                "DISKFLEET_DB_PASSWORD", "")));
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
                execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        });
    }

    /** Runs one statement on the test server (schemas are made and dropped this way). */
    public static void execute(String sql) {
        try (Connection connection = connect(URL)) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + URL + " as " + USER + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, USER, "");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
