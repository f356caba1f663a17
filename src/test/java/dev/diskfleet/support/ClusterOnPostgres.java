package dev.diskfleet.support;

import dev.diskfleet.DiskfleetApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Service processes in this JVM on one fresh PostgreSQL schema, each with a data folder and storage root of its
 * own and a URL on a port of its own, by default as nodes of a cluster with the secret {@link #SECRET} and the
 * records-only hypervisor driver (a test's settings override any of it); {@link #close} stops them, deletes
 * their folders and drops the schema.
 */
public final class ClusterOnPostgres implements AutoCloseable {

    public static final String SECRET = "a-cluster-secret-for-this-test-only";

    /** A running node: its context, a client with the admin token, its data folder ({@code images/} below). */
    public record Node(String name, ConfigurableApplicationContext context, DiskfleetClient client, Path dir) {

        /** What {@code diskfleet.replication.bytes} has counted on this node. */
        public double replicatedBytes() {
            var counter = context.getBean(MeterRegistry.class).find("diskfleet.replication.bytes").counter();
            return counter == null ? 0 : counter.count();
        }
    }

    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();
    private final String schema;

    public ClusterOnPostgres(String prefix) {
        Postgres.requireServer();
        this.schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        sql(Postgres.URL, "CREATE SCHEMA " + schema);
    }

    /** Starts node {@code name} as a cluster node on the schema, with {@code settings} added or overriding. */
    public Node start(String name, Map<String, Object> settings) {
        Path dir = TemporaryDataDir.create("diskfleet-" + name + "-");
        dataDirs.add(dir);
        return startOn(name, dir, settings);
    }

    /** The same on a data folder a node of this cluster had before: a node started again after it stopped. */
    public Node startOn(String name, Path dir, Map<String, Object> settings) {
        int port = freePort();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.profiles.active", "postgres");
        properties.put("DISKFLEET_DB_URL", url());
        properties.put("DISKFLEET_DB_USER", Postgres.USER);
        properties.put("DISKFLEET_DB_PASSWORD", "");
        properties.put("diskfleet.data-dir", dir.toString());
        properties.put("diskfleet.storage.root", dir.resolve("images").toString());
        properties.put("diskfleet.security.admin-token", DiskfleetClient.TEST_ADMIN_TOKEN);
        properties.put("diskfleet.node.name", name);
        properties.put("diskfleet.node.url", "http://127.0.0.1:" + port);
        properties.put("diskfleet.cluster.enabled", true);
        properties.put("diskfleet.cluster.secret", SECRET);
        properties.put("diskfleet.hypervisor", "none");
        properties.put("server.port", port);
        // Tests start many services: the deployment warm-up at startup is FleetWarmUpTest's alone.
        properties.put("diskfleet.fleets.warm-up", false);
        properties.putAll(settings);
        // As command-line arguments: they outrank the postgres profile's file, which sets its own data folder.
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DiskfleetApplication.class).run(arguments);
        services.add(context);
        return new Node(name, context, new DiskfleetClient(port), dir);
    }

    /** The first column of the first row of {@code query}, as a number. */
    public long count(String query) {
        try (Connection connection = DriverManager.getConnection(url(), Postgres.USER, "");
                PreparedStatement statement = connection.prepareStatement(query);
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(query, e);
        }
    }

    /** The first column of the first row of {@code query}, as text (null when it is NULL or there is no row). */
    public String text(String query) {
        try (Connection connection = DriverManager.getConnection(url(), Postgres.USER, "");
                PreparedStatement statement = connection.prepareStatement(query);
                ResultSet result = statement.executeQuery()) {
            return result.next() ? result.getString(1) : null;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(query, e);
        }
    }

    /** Every row of {@code query}, each as the text of its columns. */
    public List<List<String>> rows(String query) {
        List<List<String>> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url(), Postgres.USER, "");
                PreparedStatement statement = connection.prepareStatement(query);
                ResultSet result = statement.executeQuery()) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= columns; column++) {
                    row.add(result.getString(column));
                }
                rows.add(row);
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(query, e);
        }
    }

    /** Runs {@code statement} on the schema. */
    public void sql(String statement) {
        sql(url(), statement);
    }

    @Override
    public void close() {
        services.forEach(ConfigurableApplicationContext::close);
        dataDirs.forEach(TemporaryDataDir::deleteTree);
        sql(Postgres.URL, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private String url() {
        return Postgres.URL + "?currentSchema=" + schema;
    }

    /** Runs {@code statement} on the database at {@code url}: the schema's, or the server's to make or drop one. */
    static void sql(String url, String statement) {
        try (Connection connection = DriverManager.getConnection(url, Postgres.USER, "")) {
            connection.createStatement().execute(statement);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(statement, e);
        }
    }

    /** A port nothing listens on now, for a node whose URL must be known before it starts. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
