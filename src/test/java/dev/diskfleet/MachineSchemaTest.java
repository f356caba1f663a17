package dev.diskfleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import dev.diskfleet.support.Postgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The machines migration runs on H2 and on PostgreSQL, and there its constraints give the guarantees the
 * service relies on: one machine per normal image however requests race, any number per immutable one,
 * one image per slot. PostgreSQL is the server on 127.0.0.1:5432 (database test, trust auth); without it
 * this test is skipped locally and fails under CI=true.
 */
class MachineSchemaTest {

    /** The server the README names, overridden by the same variables the other PostgreSQL tests read. */
    private static final String PG_URL = Postgres.URL;
    private static final String PG_USER = Postgres.USER;

    @Test
    void theMachineTablesKeepTheirGuaranteesOnH2() throws SQLException {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").load().migrate();
        try (Connection db = DriverManager.getConnection(url, "sa", "")) {
            assertGuarantees(db);
        }
    }

    @Test
    void theMachineTablesKeepTheirGuaranteesOnPostgres() throws SQLException {
        Connection probe = connectToPostgres();
        String schema = "machines_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection db = probe) {
            Flyway.configure().dataSource(PG_URL, PG_USER, "").schemas(schema).createSchemas(true).load().migrate();
            try (Statement sql = db.createStatement()) {
                sql.execute("SET search_path TO " + schema);
            }
            assertGuarantees(db);
        } finally {
            try (Connection db = DriverManager.getConnection(PG_URL, PG_USER, ""); Statement sql = db.createStatement()) {
                sql.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static Connection connectToPostgres() {
        try {
            return DriverManager.getConnection(PG_URL, PG_USER, "");
        } catch (SQLException e) {
            // Under CI an unreachable server fails the test (assumptions would only skip it); locally it skips.
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL at " + PG_URL + " is required when CI=true: " + e.getMessage(), e);
            }
            assumeThat(false).as("no PostgreSQL at " + PG_URL + "; skipped outside CI").isTrue();
            throw new IllegalStateException(e);
        }
    }

    private static void assertGuarantees(Connection db) throws SQLException {
        UUID normal = UUID.randomUUID();
        UUID immutable = UUID.randomUUID();
        UUID ownDiskA = UUID.randomUUID();
        UUID ownDiskB = UUID.randomUUID();
        UUID machineA = UUID.randomUUID();
        UUID machineB = UUID.randomUUID();
        try (Statement sql = db.createStatement()) {
            insertImage(sql, normal, null);
            insertImage(sql, immutable, null);
            insertImage(sql, ownDiskA, immutable);
            insertImage(sql, ownDiskB, immutable);
            insertMachine(sql, machineA, "a");
            insertMachine(sql, machineB, "b");
            insertAttachment(sql, machineA, 0, "NORMAL", normal, normal, normal);
            insertAttachment(sql, machineA, 1, "IMMUTABLE", immutable, ownDiskA, null);
            insertAttachment(sql, machineB, 1, "IMMUTABLE", immutable, ownDiskB, null);

            assertThatThrownBy(() -> insertAttachment(sql, machineB, 0, "NORMAL", normal, normal, normal))
                    .as("a normal image on a second machine").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> insertAttachment(sql, machineA, 0, "IMMUTABLE", immutable, UUID.randomUUID(),
                    null)).as("a second image in one slot").isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> insertMachine(sql, UUID.randomUUID(), "a"))
                    .as("a second machine with one name").isInstanceOf(SQLException.class);
            var rows = sql.executeQuery("SELECT COUNT(*) FROM attachments WHERE image_id = '" + immutable + "'");
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(2);
        }
    }

    private static void insertImage(Statement sql, UUID id, UUID parent) throws SQLException {
        sql.execute("INSERT INTO images (id, name, format, variant, type, size_bytes, parent_id, auto_reset, state,"
                + " created_at, updated_at, version) VALUES ('" + id + "', 'i', 'vdi', 'dynamic', 'NORMAL', 1048576, "
                + (parent == null ? "NULL" : "'" + parent + "'") + ", FALSE, 'READY', CURRENT_TIMESTAMP,"
                + " CURRENT_TIMESTAMP, 0)");
    }

    private static void insertMachine(Statement sql, UUID id, String name) throws SQLException {
        sql.execute("INSERT INTO machines (id, name, cpus, memory_mb, state, created_at, updated_at, version)"
                + " VALUES ('" + id + "', '" + name + "', 1, 1024, 'POWERED_OFF', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)");
    }

    private static void insertAttachment(Statement sql, UUID machine, int port, String mode, UUID image, UUID medium,
            UUID exclusive) throws SQLException {
        sql.execute("INSERT INTO attachments (id, machine_id, port, device, mode, image_id, medium_id,"
                + " exclusive_image_id, created_at, updated_at, version) VALUES ('" + UUID.randomUUID() + "', '" + machine
                + "', " + port + ", 0, '" + mode + "', '" + image + "', '" + medium + "', "
                + (exclusive == null ? "NULL" : "'" + exclusive + "'") + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)");
    }
}
