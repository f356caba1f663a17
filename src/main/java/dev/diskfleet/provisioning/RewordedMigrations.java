package dev.diskfleet.provisioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.springframework.stereotype.Component;

/**
 * Three applied migrations had their comments reworded (they cited tracker numbers a reader of the
 * repository cannot look up); their SQL is unchanged. Flyway checksums whole files, so before it validates,
 * a database that applied the old wording gets the new checksum recorded, for exactly those versions and
 * exactly the old checksums: any other difference still fails validation as it should.
 */
@Component
class RewordedMigrations implements Callback {

    /** version → {checksum of the old wording, checksum of the new}, as Flyway computes them. */
    static final Map<String, int[]> REWORDED = Map.of(
            "7", new int[] {503420973, 1879381141},
            "8", new int[] {-1216736147, 289495347},
            "10", new int[] {-1152632795, 288137373});

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_VALIDATE || event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Connection connection = context.getConnection();
        String table = context.getConfiguration().getTable();
        try {
            if (!hasTable(connection, table)) {
                return; // a new database: nothing applied yet
            }
            for (Map.Entry<String, int[]> migration : REWORDED.entrySet()) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE \"" + table
                        + "\" SET \"checksum\" = ? WHERE \"version\" = ? AND \"checksum\" = ?")) {
                    update.setInt(1, migration.getValue()[1]);
                    update.setString(2, migration.getKey());
                    update.setInt(3, migration.getValue()[0]);
                    update.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the reworded migrations' checksums in " + table, e);
        }
    }

    private static boolean hasTable(Connection connection, String table) throws SQLException {
        for (String name : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) {
            try (var tables = connection.getMetaData().getTables(null, connection.getSchema(), name, null)) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String getCallbackName() {
        return "reworded-migrations";
    }
}
