package dev.diskfleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.cluster.yml, two nodes on one PostgreSQL, has to make a cluster the service accepts: both nodes
 * on the one database with cluster settings and the same secret from the environment, each with its own name,
 * a URL the other reaches it at, its own storage volume and its own published forward ports. Nothing here
 * needs Docker.
 */
class DockerComposeClusterTest {

    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)");

    static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        try (Reader reader = Files.newBufferedReader(Path.of("docker-compose.cluster.yml"))) {
            services = (Map<String, Object>) new Yaml().<Map<String, Object>>load(reader).get("services");
        }
    }

    @Test
    void bothNodesShareTheOneDatabaseAndTheSecretAsNodesOfACluster() {
        Map<String, String> a = environment("node-a");
        Map<String, String> b = environment("node-b");
        assertThat(services).containsKeys("postgres", "node-a", "node-b");
        for (Map<String, String> node : List.of(a, b)) {
            assertThat(node.get("DISKFLEET_DB_URL")).isEqualTo("jdbc:postgresql://postgres:5432/diskfleet");
            assertThat(node.get("DISKFLEET_CLUSTER_ENABLED")).isEqualTo("true");
            assertThat(node.get("DISKFLEET_CLUSTER_SECRET")).as("the secret comes from the environment, required")
                    .startsWith("${DISKFLEET_CLUSTER_SECRET:?");
            assertThat(node.get("DISKFLEET_ADMIN_TOKEN")).startsWith("${DISKFLEET_ADMIN_TOKEN:?");
        }
    }

    @Test
    void eachNodeHasItsOwnNameUrlStorageAndForwardPorts() {
        List<String> volumes = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>();
        for (String name : List.of("node-a", "node-b")) {
            Map<String, String> environment = environment(name);
            assertThat(environment.get("DISKFLEET_NODE_NAME")).isEqualTo(name);
            assertThat(environment.get("DISKFLEET_NODE_URL")).as("the URL the other node reaches it at")
                    .isEqualTo("http://" + name + ":8080");
            volumes.add(String.valueOf(list(name, "volumes").get(0)));
            Matcher range = RANGE.matcher(environment.get("DISKFLEET_NETWORK_HOST_PORTS"));
            assertThat(range.matches()).isTrue();
            String published = range.group() + ":" + range.group();
            assertThat(list(name, "ports")).as("its forward ports are published").contains(published);
            ranges.add(new int[] {Integer.parseInt(range.group(1)), Integer.parseInt(range.group(2))});
        }
        assertThat(volumes.get(0)).as("storage volumes").isNotEqualTo(volumes.get(1)).endsWith(":/var/lib/diskfleet");
        assertThat(ranges.get(0)[1] < ranges.get(1)[0] || ranges.get(1)[1] < ranges.get(0)[0])
                .as("the nodes' forward port ranges do not overlap").isTrue();
        assertThat(list("node-a", "ports").get(0)).isNotEqualTo(list("node-b", "ports").get(0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(String service) {
        return (Map<String, String>) ((Map<String, Object>) services.get(service)).get("environment");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(String service, String key) {
        return (List<Object>) ((Map<String, Object>) services.get(service)).get(key);
    }
}
