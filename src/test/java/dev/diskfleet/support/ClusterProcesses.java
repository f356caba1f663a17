package dev.diskfleet.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The nodes of a cluster as service processes ({@link ServiceProcess}), as production runs them: one fresh
 * PostgreSQL schema, a storage root and a known port per node (its {@code diskfleet.node.url} must be known
 * before it starts), the cluster secret. Closing stops every node, removes their folders and drops the
 * schema. {@link ClusterOnPostgres} is the in-JVM counterpart.
 */
public final class ClusterProcesses implements AutoCloseable {

    public static final String SECRET = ClusterOnPostgres.SECRET;

    /** A node: its name, its service process and its data folder (storage root {@code images} inside). */
    public record Node(String name, ServiceProcess service, Path dir) {

        public DiskfleetClient api() {
            return service.api();
        }
    }

    private final String schema;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, List<String>> settingsOf = new LinkedHashMap<>();
    private final List<Path> dirs = new ArrayList<>();

    public ClusterProcesses(String prefix) {
        Postgres.requireServer();
        schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        ClusterOnPostgres.sql(Postgres.URL, "CREATE SCHEMA " + schema);
    }

    /** Starts the nodes side by side (a start is mostly waiting), each with {@code settings} besides its own. */
    public Map<String, Node> start(List<String> names, String... settings) {
        List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (String name : names) {
            // Short: the guests' monitor sockets live under it.
            Path dir = TemporaryDataDir.create("df-" + name.charAt(name.length() - 1) + "-");
            dirs.add(dir);
            starting.add(CompletableFuture.supplyAsync(() -> start(name, dir, settings)));
        }
        starting.forEach(node -> {
            Node started = node.join();
            nodes.put(started.name(), started);
        });
        return nodes;
    }

    public Node node(String name) {
        return nodes.get(name);
    }

    public Map<String, Node> nodes() {
        return nodes;
    }

    /** Starts a node again (after a kill, say) on its folder, port and settings. */
    public Node restart(String name) {
        Node old = nodes.get(name);
        old.service().close();
        Node again = new Node(name, ServiceProcess.on(old.dir()).port(old.service().port()).number(2)
                .settings(settingsOf.get(name).toArray(String[]::new)).start(), old.dir());
        nodes.put(name, again);
        return again;
    }

    private Node start(String name, Path dir, String... settings) {
        int port = ClusterOnPostgres.freePort();
        List<String> all = new ArrayList<>(List.of(
                "--spring.profiles.active=postgres",
                "--DISKFLEET_DB_URL=" + Postgres.URL + "?currentSchema=" + schema,
                "--DISKFLEET_DB_USER=" + Postgres.USER,
                "--DISKFLEET_DB_PASSWORD=",
                "--diskfleet.storage.root=" + dir.resolve("images"),
                "--diskfleet.node.name=" + name,
                "--diskfleet.node.url=http://127.0.0.1:" + port,
                "--diskfleet.cluster.enabled=true",
                "--diskfleet.cluster.secret=" + SECRET));
        all.addAll(List.of(settings));
        synchronized (settingsOf) {
            settingsOf.put(name, all);
        }
        return new Node(name, ServiceProcess.on(dir).port(port).settings(all.toArray(String[]::new)).start(), dir);
    }

    @Override
    public void close() {
        nodes.values().forEach(node -> node.service().close());
        dirs.forEach(TemporaryDataDir::deleteTree);
        ClusterOnPostgres.sql(Postgres.URL, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
