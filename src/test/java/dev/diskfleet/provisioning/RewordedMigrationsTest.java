package dev.diskfleet.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that applied the three migrations before their comments were reworded still starts: its history
 * holds the old checksums (what Flyway recorded for the old wording), which are replaced by the new ones, and
 * only those.
 */
class RewordedMigrationsTest {

    @TempDir
    Path dir;

    @Test
    void aDatabaseMigratedWithTheOldWordingValidatesAndAnyOtherChangeStillFails() throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("db");
        Flyway plain = Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration").load();
        plain.migrate();
        for (Map.Entry<String, int[]> migration : RewordedMigrations.REWORDED.entrySet()) {
            setChecksum(url, migration.getKey(), migration.getValue()[0]);
        }
        assertThatThrownBy(plain::validate).as("the reworded files differ from what the old database applied")
                .isInstanceOf(FlywayException.class).hasMessageContaining("checksum");

        Flyway withCallback = Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration")
                .callbacks(new RewordedMigrations()).load();
        withCallback.migrate();
        withCallback.validate();
        assertThat(withCallback.info().pending()).isEmpty();

        setChecksum(url, "8", 1);
        assertThatThrownBy(withCallback::validate).as("a checksum that is neither wording still fails")
                .isInstanceOf(FlywayException.class);
    }

    private static void setChecksum(String url, String version, int checksum) throws SQLException {
        try (Connection db = DriverManager.getConnection(url, "sa", "");
                PreparedStatement update = db.prepareStatement(
                        "UPDATE \"flyway_schema_history\" SET \"checksum\" = ? WHERE \"version\" = ?")) {
            update.setInt(1, checksum);
            update.setString(2, version);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }
}
