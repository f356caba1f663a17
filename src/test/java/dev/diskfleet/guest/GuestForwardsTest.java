package dev.diskfleet.guest;

import dev.diskfleet.support.GuestTest;
import dev.diskfleet.support.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.TemporaryDataDir;
import dev.diskfleet.support.TestGuest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Port forwards with real QEMU, through the service in a JVM of its own: QEMU listens on every forward's
 * host port while the guest runs, also after a SIGKILL of the service, and the next service lists the
 * same ports for the adopted guest; a port another process holds refuses the start with nothing left
 * running. The guests are diskless (they sit in the firmware): a forward is QEMU's, whatever the guest runs.
 */
@GuestTest
class GuestForwardsTest {

    private static final Set<UUID> MACHINES = ConcurrentHashMap.newKeySet();
    /** Below the ephemeral ports that port-0 listeners of concurrent tests get, and random. */
    private static final int FIRST = 20000 + new Random().nextInt(9000);
    private static Path data;

    @BeforeAll
    static void qemu() {
        TestGuest.requireQemu();
        data = TemporaryDataDir.create("df-fwd-");
    }

    @AfterAll
    static void noQemuOfOursIsLeftRunning() {
        List<Long> left = GuestProcesses.runningQemuOf(MACHINES);
        GuestProcesses.kill(left);
        TemporaryDataDir.deleteTree(data);
        assertThat(left).as("QEMU processes of this class still running").isEmpty();
    }

    @Test
    void forwardsAreListenedOnByQemuSurviveAKillOfTheServiceAndABusyPortLeavesNoQemu() throws Exception {
        String[] settings = {"--diskfleet.hypervisor=qemu", "--diskfleet.network.host-ports=" + FIRST + "-" + (FIRST + 9)};
        String db;
        Map<String, Integer> ports;
        ServiceProcess first = ServiceProcess.on(data).number(1).settings(settings).start();
        try {
            DiskfleetClient api = first.api();
            db = machine(api, "db", "[{\"guestPort\":5432},{\"guestPort\":22}]");
            JsonNode started = api.postEmpty("/api/machines/" + db + "/start").expect(200).json();
            ports = ports(started);
            assertThat(ports).containsOnlyKeys("5432/tcp", "22/tcp");
            ports.values().forEach(port -> assertThat(port).isBetween(FIRST, FIRST + 9));
            ports.values().forEach(GuestForwardsTest::assertListened);

            String busy = machine(api, "busy", "[{\"guestPort\":6379}]");
            int held = ports(api.get("/api/machines/" + busy).expect(200).json()).get("6379/tcp");
            try (ServerSocket holder = new ServerSocket()) {
                holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), held));
                String detail = api.postEmpty("/api/machines/" + busy + "/start").expectProblem(409, "host-port-busy");
                assertThat(detail).contains(String.valueOf(held));
            }
            assertThat(api.get("/api/machines/" + busy).expect(200).json().path("state").asString())
                    .isEqualTo("poweredOff");
            assertThat(GuestProcesses.runningQemuOf(Set.of(UUID.fromString(busy)))).as("QEMU of the refused machine")
                    .isEmpty();
        } finally {
            first.kill();
        }

        ports.values().forEach(GuestForwardsTest::assertListened);

        try (ServiceProcess second = ServiceProcess.on(data).number(2).settings(settings).start()) {
            DiskfleetClient api = second.api();
            JsonNode adopted = api.get("/api/machines/" + db).expect(200).json();
            assertThat(adopted.path("state").asString()).isEqualTo("running");
            assertThat(ports(adopted)).isEqualTo(ports);
            ports.values().forEach(GuestForwardsTest::assertListened);

            api.postEmpty("/api/machines/" + db + "/stop?force=true").expect(200);
            for (int port : ports.values()) {
                try (ServerSocket again = new ServerSocket()) {
                    again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    assertThat(again.isBound()).as("port " + port + " is free once the guest is gone").isTrue();
                }
            }
        }
    }

    private static String machine(DiskfleetClient api, String name, String forwards) {
        String id = api.post("/api/machines", "{\"name\":\"" + name + "\",\"cpus\":1,\"memoryMb\":64,"
                + "\"network\":{\"forwards\":" + forwards + "}}").expect(201).json().path("id").asString();
        MACHINES.add(UUID.fromString(id));
        return id;
    }

    /** {@code 5432/tcp} → host port, as the machine lists them. */
    private static Map<String, Integer> ports(JsonNode machine) {
        Map<String, Integer> ports = new TreeMap<>();
        for (JsonNode forward : machine.path("network").path("forwards")) {
            assertThat(forward.path("hostAddress").asString()).isEqualTo("127.0.0.1");
            ports.put(forward.path("guestPort").asInt() + "/" + forward.path("protocol").asString(),
                    forward.path("hostPort").asInt());
        }
        return ports;
    }

    private static void assertListened(int port) {
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        } catch (IOException e) {
            throw new AssertionError("nothing accepts on 127.0.0.1:" + port + ": " + e, e);
        }
    }
}
