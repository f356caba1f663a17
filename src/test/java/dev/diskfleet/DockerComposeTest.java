package dev.diskfleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml has to agree with the application it runs: the settings it passes are the ones
 * the postgres profile reads, the database it creates is the one the URL names, the port and the jar
 * are the application's. Nothing here needs Docker.
 */
class DockerComposeTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)");

    static Map<String, Object> postgres;
    static Map<String, Object> diskfleet;
    static Map<String, String> postgresEnv;
    static Map<String, String> diskfleetEnv;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        Map<String, Object> compose = yaml(Path.of("docker-compose.yml"));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        postgres = (Map<String, Object>) services.get("postgres");
        diskfleet = (Map<String, Object>) services.get("diskfleet");
        assertThat(postgres).as("a service named postgres").isNotNull();
        assertThat(diskfleet).as("a service named diskfleet").isNotNull();
        postgresEnv = (Map<String, String>) postgres.get("environment");
        diskfleetEnv = (Map<String, String>) diskfleet.get("environment");
    }

    @Test
    void serviceSetsExactlyTheVariablesThePostgresProfileReads() throws IOException {
        Set<String> read = new TreeSet<>();
        read.addAll(placeholders(Path.of("src/main/resources/application-postgres.yml")));
        read.addAll(placeholders(Path.of("src/main/resources/application.yml")));
        assertThat(read).contains("DISKFLEET_DB_URL", "DISKFLEET_DB_USER", "DISKFLEET_DB_PASSWORD", "DISKFLEET_DATA_DIR");
        assertThat(diskfleetEnv.keySet()).containsAll(read.stream().filter(name -> name.startsWith("DISKFLEET_")).toList());
        assertThat(read).as("every variable the compose file sets is read by the application")
                .containsAll(diskfleetEnv.keySet());
                assertThat(Path.of("src/main/resources/application-postgres.yml")).exists();
    }

    @Test
    void databaseUserAndPasswordAgreeBetweenThePostgresServiceAndTheUrl() {
        Matcher url = JDBC.matcher(diskfleetEnv.get("DISKFLEET_DB_URL"));
        assertThat(url.matches()).as(diskfleetEnv.get("DISKFLEET_DB_URL")).isTrue();
        assertThat(url.group(1)).as("host: the postgres service's name").isEqualTo("postgres");
        assertThat(url.group(2)).isEqualTo("5432");
        assertThat(url.group(3)).isEqualTo(postgresEnv.get("POSTGRES_DB"));
        assertThat(diskfleetEnv.get("DISKFLEET_DB_USER")).isEqualTo(postgresEnv.get("POSTGRES_USER"));
        assertThat(diskfleetEnv.get("DISKFLEET_DB_PASSWORD")).isEqualTo(postgresEnv.get("POSTGRES_PASSWORD"));
        @SuppressWarnings("unchecked")
        List<String> healthcheck = (List<String>) ((Map<String, Object>) postgres.get("healthcheck")).get("test");
        assertThat(String.join(" ", healthcheck)).contains("-U " + postgresEnv.get("POSTGRES_USER"))
                .contains("-d " + postgresEnv.get("POSTGRES_DB"));
    }

    @Test
    void publishedPortIsTheApplicationsPort() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> server = (Map<String, Object>) yaml(Path.of("src/main/resources/application.yml"))
                .get("server");
        Matcher port = PLACEHOLDER.matcher(String.valueOf(server.get("port")));
        String applicationPort = port.matches() ? port.group(2) : String.valueOf(server.get("port"));
        @SuppressWarnings("unchecked")
        List<String> ports = (List<String>) diskfleet.get("ports");
        assertThat(ports).hasSize(2);
        assertThat(ports.get(0)).endsWith(":" + applicationPort);
        @SuppressWarnings("unchecked")
        Map<String, Object> network = (Map<String, Object>) ((Map<String, Object>) yaml(
                Path.of("src/main/resources/application.yml")).get("diskfleet")).get("network");
        Matcher hostPorts = PLACEHOLDER.matcher(String.valueOf(network.get("host-ports")));
        assertThat(hostPorts.matches()).as("host-ports read from the environment").isTrue();
        // the range in effect in the container: compose's own setting, else application.yml's default
        String[] range = String.valueOf(diskfleetEnv.getOrDefault(hostPorts.group(1), hostPorts.group(2)))
                .split("-");
        Matcher published = Pattern.compile("\"?(\\d+)-(\\d+):(\\d+)-(\\d+)\"?").matcher(ports.get(1));
        assertThat(published.matches()).as("the second published range is the guests' forwards: " + ports.get(1)).isTrue();
        assertThat(Integer.parseInt(published.group(3))).as("inside the range forwards get their ports from")
                .isGreaterThanOrEqualTo(Integer.parseInt(range[0]));
        assertThat(Integer.parseInt(published.group(4))).isLessThanOrEqualTo(Integer.parseInt(range[1]));
        assertThat(diskfleetEnv.get("DISKFLEET_NETWORK_FORWARD_ADDRESS")).as("forwards reachable from outside the"
                + " container").isEqualTo("0.0.0.0");
        assertThat(diskfleetEnv).doesNotContainKey("PORT");
    }

    @Test
    void thePublishedServiceListensOnAllInterfacesButTakesItsAdminTokenFromTheEnvironment() {
        assertThat(diskfleetEnv.get("DISKFLEET_ADDRESS")).as("inside the container, loopback is unreachable")
                .isEqualTo("0.0.0.0");
        assertThat(String.valueOf(diskfleetEnv.get("DISKFLEET_ADMIN_TOKEN")))
                .as("the secret is never written into the compose file").matches("\\$\\{DISKFLEET_ADMIN_TOKEN(:-)?}");
    }

    @Test
    void thePostgresImageIsReal() {
        assertThat((String) postgres.get("image")).matches("postgres:\\d+(\\.\\d+)?(-(alpine|bookworm|trixie))?");
    }

    @Test
    void theServiceIsBuiltFromTheDockerfileWithAJreOfTheJavaVersionAndQemu() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> build = (Map<String, Object>) diskfleet.get("build");
        assertThat(build).as("the diskfleet service is built, not pulled").isNotNull();
        Path dockerfile = Path.of(String.valueOf(build.get("context")), String.valueOf(build.get("dockerfile")));
        List<String> instructions = dockerfileInstructions(dockerfile);
        assertThat(instructions.get(0)).as("a Debian base, where the packages below come from")
                .matches("FROM debian:(bookworm|trixie)(-slim)?");
        String install = instructions.stream().filter(line -> line.startsWith("RUN ") && line.contains("apt-get install"))
                .findFirst().orElseThrow(() -> new AssertionError("the Dockerfile installs nothing with apt-get"));
        assertThat(install.split("\\s+")).contains("openjdk-" + pom("java.version") + "-jre-headless",
                "qemu-system-x86", "qemu-utils");
        assertThat(instructions).as("the image runs the jar Maven builds")
                .contains("COPY target/" + pom("artifactId") + "-" + pom("version") + ".jar /app/diskfleet.jar")
                .contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/diskfleet.jar\"]");
        assertThat(instructions).as("guests do not run as root").anyMatch(line -> line.matches("USER [a-z]+")
                && !line.equals("USER root"));
        assertThat(commandOf(diskfleet)).as("the compose command is the application's arguments")
                .containsExactly("--spring.profiles.active=postgres");
    }

    @Test
    void theDataDirIsAVolume() {
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) diskfleet.get("volumes");
        assertThat(volumes).anyMatch(volume -> volume.endsWith(":" + diskfleetEnv.get("DISKFLEET_DATA_DIR"))
                && !volume.startsWith("."));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKvmOverridePassesTheDeviceToTheService() throws IOException {
        Map<String, Object> kvm = (Map<String, Object>) ((Map<String, Object>) yaml(Path.of("docker-compose.kvm.yml"))
                .get("services")).get("diskfleet");
        assertThat((List<String>) kvm.get("devices")).containsExactly("/dev/kvm:/dev/kvm");
        assertThat((List<String>) kvm.get("group_add")).hasSize(1);
    }

    /** The Dockerfile's instructions, one per string, continuation lines joined and comments dropped. */
    private static List<String> dockerfileInstructions(Path file) throws IOException {
        List<String> instructions = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1).trim() : trimmed).append(' ');
            if (!continues) {
                instructions.add(current.toString().trim().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return instructions;
    }

    @SuppressWarnings("unchecked")
    private static List<String> commandOf(Map<String, Object> service) {
        return (List<String>) service.get("command");
    }

    private static Set<String> placeholders(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(Files.readString(file));
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }

    /** A value of the project itself (not of its parent): artifactId, version, or a property. */
    private static String pom(String name) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
                .getDocumentElement();
        for (Node node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                if (element.getTagName().equals(name)) {
                    return element.getTextContent().trim();
                }
                if (element.getTagName().equals("properties")) {
                    var properties = element.getElementsByTagName(name);
                    if (properties.getLength() > 0) {
                        return properties.item(0).getTextContent().trim();
                    }
                }
            }
        }
        throw new AssertionError("pom.xml has no " + name);
    }
}
