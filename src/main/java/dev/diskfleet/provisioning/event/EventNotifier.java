package dev.diskfleet.provisioning.event;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells the other nodes of a cluster that events were stored: PostgreSQL's {@code NOTIFY} on the channel
 * {@value #CHANNEL}, sent in the transaction that stores them, so that it reaches the listeners when (and
 * only if) the rows are committed. A single node (no cluster, or the embedded H2) sends nothing.
 */
@Component
public class EventNotifier {

    static final String CHANNEL = "diskfleet_events";

    private final JdbcTemplate jdbc;
    private final boolean active;

    public EventNotifier(@Value("${diskfleet.cluster.enabled:false}") boolean cluster, DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.active = cluster && isPostgres(dataSource);
    }

    boolean active() {
        return active;
    }

    /** Inside the storing transaction. */
    void eventsStored() {
        if (active) {
            jdbc.execute("NOTIFY " + CHANNEL);
        }
    }

    static boolean isPostgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        } catch (SQLException e) {
            return false;
        }
    }
}
