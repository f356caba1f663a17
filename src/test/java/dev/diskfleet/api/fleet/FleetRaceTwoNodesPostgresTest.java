package dev.diskfleet.api.fleet;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.provisioning.replication.ReplicaSweep;
import dev.diskfleet.support.ClusterOnPostgres;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.Postgres;
import dev.diskfleet.support.ProcessTest;
import dev.diskfleet.support.TemporaryDataDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link FleetRaceContract} through two nodes of a cluster on one PostgreSQL schema, each with its own storage
 * root: every request goes to the other node than the one before, so racing requests meet from both nodes,
 * as behind a load balancer. The rules of one node must hold: one delete wins, a normal image is attached
 * once, a golden is never deleted under a fleet, a machine starts once. Node A is this test's context, node B
 * a second service in this JVM on A's schema.
 */
@ProcessTest
@ActiveProfiles("postgres")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "diskfleet.cluster.enabled=true", "diskfleet.cluster.secret=" + FleetRaceTwoNodesPostgresTest.SECRET,
        "diskfleet.node.name=node-a"})
@ContextConfiguration(initializers = Postgres.class)
class FleetRaceTwoNodesPostgresTest extends FleetRaceContract {

    static final String SECRET = ClusterOnPostgres.SECRET;
    private static final int PORT_A = ClusterOnPostgres.freePort();
    private static final Path NODE_B_DIR = TemporaryDataDir.create("diskfleet-race-b-");
    private static ConfigurableApplicationContext nodeB;
    private static int portB;

    @Autowired
    Environment environment;
    @Autowired
    ReplicaSweep sweep;

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireServer();
    }

    @DynamicPropertySource
    static void nodeA(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT_A);
        registry.add("diskfleet.node.url", () -> "http://127.0.0.1:" + PORT_A);
    }

    @BeforeEach
    void throughBothNodes() {
        if (nodeB == null) {
            portB = ClusterOnPostgres.freePort();
            nodeB = new SpringApplicationBuilder(DiskfleetApplication.class).run(
                    "--spring.profiles.active=postgres",
                    "--DISKFLEET_DB_URL=" + environment.getProperty("DISKFLEET_DB_URL"),
                    "--DISKFLEET_DB_USER=" + Postgres.USER, "--DISKFLEET_DB_PASSWORD=",
                    "--diskfleet.data-dir=" + NODE_B_DIR, "--diskfleet.storage.root=" + NODE_B_DIR.resolve("images"),
                    "--diskfleet.security.admin-token=" + DiskfleetClient.TEST_ADMIN_TOKEN,
                    "--diskfleet.node.name=node-b", "--diskfleet.node.url=http://127.0.0.1:" + portB,
                    "--diskfleet.cluster.enabled=true", "--diskfleet.cluster.secret=" + SECRET,
                    "--server.port=" + portB, "--spring.main.banner-mode=off");
        }
        api = DiskfleetClient.alternating(port, portB);
    }

    @AfterAll
    static void stopNodeB() {
        if (nodeB != null) {
            nodeB.close();
            nodeB = null;
        }
        TemporaryDataDir.deleteTree(NODE_B_DIR);
    }

    /**
     * What is left on both nodes once each has swept the copies of deleted images (a deleted base's copy on the
     * other node goes at that node's next sweep, not at once).
     */
    @Override
    protected Leftovers leftovers() {
        sweep.sweep();
        nodeB.getBean(ReplicaSweep.class).sweep();
        return super.leftovers();
    }

    /** The files of both nodes' storage roots. */
    @Override
    protected Set<String> storageFiles() {
        Set<String> files = new HashSet<>(super.storageFiles());
        try (Stream<Path> onB = Files.list(NODE_B_DIR.resolve("images"))) {
            files.addAll(onB.map(path -> "node-b:" + path.getFileName()).collect(Collectors.toSet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
