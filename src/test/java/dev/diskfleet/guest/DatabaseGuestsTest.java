package dev.diskfleet.guest;

import dev.diskfleet.support.Campaign;

import dev.diskfleet.support.Poll;
import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.GuestTest;
import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Database guests reached the way a client reaches them: fleets of the example golden (Redis on 6379, an
 * address by DHCP, its name from the seed), each member with a forward of 6379 from a host port of its own
 * on 127.0.0.1 and no way out. Judge: Redis's own protocol (RESP over a plain socket) on each forward.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "diskfleet.hypervisor=qemu")
@GuestTest
@ContextConfiguration(initializers = TemporaryDataDir.class)
class DatabaseGuestsTest {

    private static final Duration BOOT = RealGuestsTest.BOOT;
    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();
    /** Below the ephemeral ports, and away from the ranges of test JVMs running beside this one. */
    private static final int FIRST = 20000 + new Random().nextInt(9000);
    private static final int LAST = FIRST + 19;

    @LocalServerPort
    int port;

    private DiskfleetClient api;
    private final String prefix = "db" + UUID.randomUUID().toString().substring(0, 6);

    @DynamicPropertySource
    static void hostPorts(DynamicPropertyRegistry registry) {
        registry.add("diskfleet.network.host-ports", () -> FIRST + "-" + LAST);
    }

    @BeforeAll
    static void guestTools() {
        TestGuest.requireTools();
        QemuTools.requireOnPath("Debian package genisoimage", "genisoimage");
        QemuTools.requireOnPath("Debian package redis-tools (redis-cli judges the database guests)", "redis-cli");
    }

    @BeforeEach
    void client() {
        api = new DiskfleetClient(port);
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() {
        List<Long> left = GuestProcesses.runningQemuOf(MACHINES);
        GuestProcesses.kill(left);
        assertThat(left).as("QEMU processes of this class still running").isEmpty();
    }

    @Test
    void eachFleetMemberAnswersOnItsOwnForwardKnowsItsNameKeepsItsDataApartAndAutoresetForgetsIt() throws Exception {
        String qcow2 = api.upload("PUT", "/api/images/uploads?name=" + prefix + "-golden&type=immutable",
                BodyPublishers.ofFile(TestGuest.exampleGolden())).expect(201).json().path("id").asString();
        String vdi = cloneTo(qcow2, "vdi");
        // Both deploy and boot at once: three qcow2 members with autoreset, one VDI member without.
        String deployResetting = deploy(prefix + "-q", qcow2, 3, true);
        String deployKeeping = deploy(prefix + "-v", vdi, 1, false);
        String resetting = await(deployResetting);
        List<Member> members = new ArrayList<>(members(resetting));
        List<Member> kept = members(await(deployKeeping));
        members.addAll(kept);
        try {
            assertThat(members).hasSize(4);
            assertThat(members.stream().map(Member::port)).doesNotHaveDuplicates()
                    .allSatisfy(hostPort -> assertThat(hostPort).isBetween(FIRST, LAST));
            for (Member member : members) {
                assertThat(awaitRedis(member)).isEqualTo("+PONG");
                assertThat(console(member.id())).contains(TestGuest.identityLine(member.id(), member.name(),
                        member.id()));
                assertThat(redis(member.port(), "SET", "key-" + member.name(), member.name())).isEqualTo("+OK");
            }
            for (Member member : members) {
                for (Member other : members) {
                    assertThat(redis(member.port(), "GET", "key-" + other.name()))
                            .as("%s asked for the key written to %s", member.name(), other.name())
                            .isEqualTo(member == other ? "$" + other.name() : "$-1");
                }
            }

            Member first = members.get(0);
            Member keeper = kept.get(0);
            for (Member member : List.of(first, keeper)) {
                api.postEmpty("/api/machines/" + member.id() + "/reset").expect(200);
                // the console of the boot before the reset says the same: wait for Redis anew
                assertThat(awaitRedis(member)).isEqualTo("+PONG");
            }
            assertThat(redis(first.port(), "GET", "key-" + first.name())).as("autoreset forgot the write")
                    .isEqualTo("$-1");
            assertThat(redis(keeper.port(), "GET", "key-" + keeper.name())).as("autoReset false kept it")
                    .isEqualTo("$" + keeper.name());
            assertThat(members(resetting).get(0).port()).as("the same port after a power cycle")
                    .isEqualTo(first.port());
            assertThat(redis(members.get(1).port(), "GET", "key-" + members.get(1).name()))
                    .as("a member not reset keeps its data").isEqualTo("$" + members.get(1).name());
        } finally {
            for (Member member : members) {
                api.postEmpty("/api/machines/" + member.id() + "/stop?force=true");
            }
        }
    }

    /**
     * The README's example on the database golden, as a reader runs it: two guests answer on their own
     * forwards, each takes a row, the inventory prints, a power cycle forgets the row of one; then the
     * example removes its fleet (CLEANUP=always), leaving no QEMU behind.
     */
    @Test
    @Campaign // DeployScriptTest runs the same script against the service; the test above boots database guests
    void theDeployExampleRunsADatabaseFleetReachableThroughItsForwards() throws Exception {
        QemuTools.requireOnPath("Debian packages bash, curl, jq; .ci/run installs them", "bash", "curl", "jq");
        ProcessBuilder builder = new ProcessBuilder("bash", "examples/deploy-db-fleet.sh").redirectErrorStream(true);
        builder.environment().put("DISKFLEET_URL", "http://localhost:" + port);
        builder.environment().put("DISKFLEET_TOKEN", DiskfleetClient.TEST_ADMIN_TOKEN);
        builder.environment().put("GOLDEN", TestGuest.exampleGolden().toString());
        builder.environment().put("DB_PORT", "6379");
        builder.environment().put("FLEET_SIZE", "2");
        builder.environment().put("MACHINE_PREFIX", prefix + "-example");
        builder.environment().put("CLEANUP", "always");
        Process script = builder.start();
        String log = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(log); // the example's own report, in the build log
        assertThat(script.waitFor()).as("exit code; output:%n%s", log).isZero();
        assertThat(log).containsPattern(prefix + "-example-1 answers on 127\\.0\\.0\\.1:\\d+")
                .contains(prefix + "-example-1 holds: row of " + prefix + "-example-1")
                .contains(prefix + "-example-2 holds: row of " + prefix + "-example-2")
                .contains("diskfleet_forwards")
                .contains("autoreset: the row is gone from " + prefix + "-example-1")
                .contains(prefix + "-example-2 still holds: row of " + prefix + "-example-2")
                .doesNotContain("FAILED");
        for (JsonNode machine : api.get("/api/machines?size=500").expect(200).json().path("items")) {
            assertThat(machine.path("name").asString()).as("machines the example left").doesNotStartWith(prefix + "-example");
        }
    }

    @Test
    void aHostPortAnotherProcessHoldsRefusesTheStartNamingItAndLeavesNoQemu() throws Exception {
        String golden = api.upload("PUT", "/api/images/uploads?name=" + prefix + "-busy&type=immutable",
                BodyPublishers.ofFile(TestGuest.exampleGolden())).expect(201).json().path("id").asString();
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            JsonNode machine = api.post("/api/machines", body("name", prefix + "-busy", "memoryMb", 256,
                    "network", body("forwards", List.of(body("guestPort", 6379, "hostPort", holder.getLocalPort())))))
                    .expect(201).json();
            String id = machine.path("id").asString();
            MACHINES.add(UUID.fromString(id));
            api.post("/api/machines/" + id + "/attachments", body("imageId", golden, "port", 0, "device", 0)).expect(201);

            String detail = api.postEmpty("/api/machines/" + id + "/start").expectProblem(409, "host-port-busy");

            assertThat(detail).contains(Integer.toString(holder.getLocalPort()));
            assertThat(api.get("/api/machines/" + id).expect(200).json().path("state").asString()).isEqualTo("poweredOff");
            assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(id)))).isEmpty();
        }
    }

    /** A member of a fleet as its inventory lists it: its forward of 6379 from {@code port} on 127.0.0.1. */
    private record Member(String id, String name, int port) {
    }

    /** Deploys and starts a fleet of the database guest with a forward of 6379; its operation's URL. */
    private String deploy(String name, String golden, int size, boolean autoReset) {
        return api.post("/api/fleets", body("name", name, "goldenImageId", golden, "size", size,
                "machineNamePrefix", name, "autoReset", autoReset, "start", true, "memoryMb", 256,
                "network", body("mode", "user", "outbound", false, "forwards", List.of(body("guestPort", 6379)))))
                .expect(202).header("Location").orElseThrow();
    }

    /** The fleet's id once its deploy succeeded. */
    private String await(String operation) throws InterruptedException {
        JsonNode done = api.awaitOperation(operation);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        return api.get(done.path("resourceUrl").asString()).expect(200).json().path("id").asString();
    }

    private List<Member> members(String fleet) {
        List<Member> members = new ArrayList<>();
        for (JsonNode host : api.get("/api/fleets/" + fleet + "/inventory").expect(200).json().path("machines")) {
            String endpoint = host.path("forwards").path("6379/tcp").asString();
            assertThat(endpoint).as(host.toString()).startsWith("127.0.0.1:");
            Member member = new Member(host.path("id").asString(), host.path("name").asString(),
                    Integer.parseInt(endpoint.substring("127.0.0.1:".length())));
            MACHINES.add(UUID.fromString(member.id()));
            members.add(member);
        }
        return members;
    }

    private String cloneTo(String image, String format) throws InterruptedException {
        String operation = api.post("/api/images/" + image + "/clone", body("name", prefix + "-" + format, "format",
                format, "type", "immutable")).expect(202).header("Location").orElseThrow();
        JsonNode done = api.awaitOperation(operation);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        return api.get(done.path("resourceUrl").asString()).expect(200).json().path("id").asString();
    }

    /** PING until the guest's Redis answers through its forward (the forward listens from QEMU's start). */
    private String awaitRedis(Member member) throws InterruptedException {
        int hostPort = member.port();
        String machine = member.id();
        try {
            return Poll.until("PONG on 127.0.0.1:" + hostPort, BOOT, () -> {
                try {
                    return redis(hostPort, "PING");
                } catch (IOException e) {
                    return e.toString();
                }
            }, "+PONG"::equals);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; console:\n" + String.join("\n", console(machine)), e);
        }
    }

    /**
     * One Redis command through Redis's own client, {@code redis-cli} (Debian package redis-tools), the judge
     * a user would use; its answer in RESP's notation: {@code +OK}, a bulk string as {@code $<value>}, nil as
     * {@code $-1}, an error as {@code -<message>}. Nothing listening is an IOException.
     */
    static String redis(int hostPort, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(hostPort),
                "--no-raw"));
        args.addAll(List.of(command));
        Process cli = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output;
        try {
            if (!cli.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                throw new IOException("redis-cli on port " + hostPort + " did not answer within 10 s");
            }
            output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (cli.exitValue() != 0 || output.startsWith("Could not connect") || output.contains("Connection reset")
                || output.isEmpty()) {
            throw new IOException("redis-cli on port " + hostPort + ": exit " + cli.exitValue() + ": " + output);
        }
        if (output.equals("(nil)")) {
            return "$-1";
        }
        if (output.startsWith("(error) ")) {
            return "-" + output.substring("(error) ".length());
        }
        if (output.length() >= 2 && output.startsWith("\"") && output.endsWith("\"")) {
            return "$" + output.substring(1, output.length() - 1);
        }
        return "+" + output;
    }

    private List<String> console(String machine) {
        return api.get("/api/machines/" + machine + "/console?tail=200").expect(200).text().lines().toList();
    }
}
