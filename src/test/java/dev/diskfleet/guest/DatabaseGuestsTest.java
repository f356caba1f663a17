package dev.diskfleet.guest;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.GuestTest;
import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import tools.jackson.databind.JsonNode;

/**
 * Database guests reached the way a client reaches them: the example golden (Redis on 6379, an address by
 * DHCP, its name from the seed) on one immutable base, each machine with a forward of 6379 from a host port
 * on 127.0.0.1 and no way out. Judge: Redis's own protocol on each forward.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "diskfleet.hypervisor=qemu")
@GuestTest
@ContextConfiguration(initializers = TemporaryDataDir.class)
class DatabaseGuestsTest {

    private static final Duration BOOT = RealGuestsTest.BOOT;
    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();

    @LocalServerPort
    int port;

    private DiskfleetClient api;
    private final String prefix = "db" + UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void guestTools() {
        TestGuest.requireTools();
        QemuTools.requireOnPath("Debian package genisoimage", "genisoimage");
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
    void eachGuestAnswersOnItsOwnForwardKnowsItsNameKeepsItsDataApartAndAutoresetForgetsIt() throws Exception {
        String golden = api.upload("PUT", "/api/images/uploads?name=" + prefix + "-golden&type=immutable",
                BodyPublishers.ofFile(TestGuest.exampleGolden())).expect(201).json().path("id").asString();
        List<JsonNode> machines = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            // the third keeps what its guest writes: autoreset off
            machines.add(machine(prefix + "-" + i, golden, i != 3));
        }
        try {
            List<Integer> ports = new ArrayList<>();
            for (JsonNode machine : machines) {
                String id = machine.path("id").asString();
                api.postEmpty("/api/machines/" + id + "/start").expect(200);
                JsonNode forward = machine.path("network").path("forwards").get(0);
                assertThat(forward.path("hostAddress").asString()).isEqualTo("127.0.0.1");
                ports.add(forward.path("hostPort").asInt());
            }
            assertThat(ports).doesNotHaveDuplicates();
            for (int i = 0; i < 3; i++) {
                String id = machines.get(i).path("id").asString();
                assertThat(awaitRedis(ports.get(i), id)).isEqualTo("+PONG");
                assertThat(console(id)).contains(TestGuest.identityLine(id, machines.get(i).path("name").asString(), id));
                assertThat(redis(ports.get(i), "SET", "written-by", machines.get(i).path("name").asString()))
                        .isEqualTo("+OK");
            }
            for (int i = 0; i < 3; i++) {
                assertThat(redis(ports.get(i), "GET", "written-by"))
                        .as("each guest has its own data").isEqualTo("$" + machines.get(i).path("name").asString());
            }

            for (int i : new int[] {0, 2}) {
                String id = machines.get(i).path("id").asString();
                api.postEmpty("/api/machines/" + id + "/reset").expect(200);
                assertThat(awaitRedis(ports.get(i), id)).isEqualTo("+PONG");
            }
            assertThat(redis(ports.get(0), "GET", "written-by")).as("autoreset forgot the write").isEqualTo("$-1");
            assertThat(redis(ports.get(2), "GET", "written-by")).as("autoreset off kept it")
                    .isEqualTo("$" + machines.get(2).path("name").asString());
            assertThat(api.get("/api/machines/" + machines.get(0).path("id").asString()).expect(200).json()
                    .path("network").path("forwards").get(0).path("hostPort").asInt())
                    .as("the same port after a power cycle").isEqualTo(ports.get(0));
        } finally {
            for (JsonNode machine : machines) {
                api.postEmpty("/api/machines/" + machine.path("id").asString() + "/stop?force=true");
            }
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

    private JsonNode machine(String name, String golden, boolean autoReset) {
        JsonNode machine = api.post("/api/machines", body("name", name, "memoryMb", 256,
                "network", body("mode", "user", "outbound", false, "forwards", List.of(body("guestPort", 6379)))))
                .expect(201).json();
        String id = machine.path("id").asString();
        MACHINES.add(UUID.fromString(id));
        api.post("/api/machines/" + id + "/attachments", body("imageId", golden, "port", 0, "device", 0,
                "autoReset", autoReset)).expect(201);
        return api.get("/api/machines/" + id).expect(200).json();
    }

    /** PING until the guest's Redis answers through its forward (the forward listens from QEMU's start). */
    private String awaitRedis(int hostPort, String machine) throws InterruptedException {
        long deadline = System.nanoTime() + BOOT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = redis(hostPort, "PING");
                if (last.equals("+PONG")) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no PONG on 127.0.0.1:" + hostPort + " within " + BOOT + " (last: " + last
                + "); console:\n" + String.join("\n", console(machine)));
    }

    /** One Redis command in RESP; the reply's first line, a bulk string as {@code $<value>}, nil as {@code $-1}. */
    static String redis(int hostPort, String... command) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), hostPort)) {
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
            for (String part : command) {
                request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(part).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String first = line(in);
            if (first.startsWith("$") && !first.equals("$-1")) {
                return "$" + line(in);
            }
            return first;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (c == -1 && line.isEmpty()) {
            throw new IOException("the connection closed without a reply");
        }
        return line.toString();
    }

    private List<String> console(String machine) {
        return api.get("/api/machines/" + machine + "/console?tail=200").expect(200).text().lines().toList();
    }
}
