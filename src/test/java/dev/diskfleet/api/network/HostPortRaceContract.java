package dev.diskfleet.api.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackFleetTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A host port is one machine's alone however requests race: fleets deployed at once give every member
 * ports of its own, machines racing for one named port get it once (the others 409), and the database
 * itself refuses a second row for a port. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class HostPortRaceContract extends FullStackFleetTest {

    private static final int FIRST = 20000 + new Random().nextInt(9000);
    private static final int FLEETS = 4;
    private static final int MEMBERS = 6;

    @DynamicPropertySource
    static void hostPorts(DynamicPropertyRegistry registry) {
        registry.add("diskfleet.network.host-ports", () -> FIRST + "-" + (FIRST + 199));
    }

    @Test
    void fleetsDeployedAtOnceGiveEveryMemberPortsOfItsOwn() throws Exception {
        UUID golden = goldenImage();
        List<Callable<JsonNode>> deploys = new ArrayList<>();
        for (int i = 0; i < FLEETS; i++) {
            String body = "{\"name\":\"" + unique("rf") + "\",\"goldenImageId\":\"" + golden + "\",\"size\":" + MEMBERS
                    + ",\"machineNamePrefix\":\"" + unique("rf") + "\",\"network\":{\"forwards\":"
                    + "[{\"guestPort\":5432},{\"guestPort\":22},{\"guestPort\":53,\"protocol\":\"udp\"}]}}";
            deploys.add(() -> awaitOperation(api.post("/api/fleets", body)));
        }
        List<String> ports = new ArrayList<>();
        for (JsonNode operation : race(deploys)) {
            assertThat(operation.path("state").asString()).as(operation.toString()).isEqualTo("succeeded");
            JsonNode inventory = api.get(operation.path("resourceUrl").asString() + "/inventory").expect(200).json();
            for (JsonNode machine : inventory.path("machines")) {
                machine.path("forwards").properties().forEach(forward ->
                        ports.add(forward.getValue().asString() + "/" + forward.getKey().replaceAll(".*/", "")));
            }
        }
        assertThat(ports).hasSize(FLEETS * MEMBERS * 3).doesNotHaveDuplicates();
        // the other tests name ports below the range
        assertThat(jdbc.sql("SELECT COUNT(*) FROM machine_forwards WHERE host_port >= ?").params(FIRST)
                .query(Long.class).single()).as("every port row of the range belongs to a listed member")
                .isEqualTo(ports.size());
    }

    @Test
    void machinesRacingForOneNamedPortGetItOnce() throws Exception {
        int port = FIRST - 1;
        List<Callable<Reply>> creates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String body = "{\"name\":\"" + unique("named") + "\",\"network\":{\"forwards\":[{\"guestPort\":22,"
                    + "\"hostPort\":" + port + "}]}}";
            creates.add(() -> api.post("/api/machines", body));
        }
        List<Reply> answers = race(creates);
        assertThat(answers.stream().filter(reply -> reply.status() == 201)).hasSize(1);
        answers.stream().filter(reply -> reply.status() != 201)
                .forEach(reply -> reply.expectProblem(409, "host-port-taken"));
    }

    @Test
    void theDatabaseRefusesASecondRowForAPort() {
        UUID first = id(api.post("/api/machines", "{\"name\":\"" + unique("db") + "\"}").expect(201).json(), "id");
        UUID second = id(api.post("/api/machines", "{\"name\":\"" + unique("db") + "\"}").expect(201).json(), "id");
        String insert = "INSERT INTO machine_forwards (machine_id, protocol, guest_port, host_port)"
                + " VALUES (?, 'tcp', ?, ?)";
        jdbc.sql(insert).params(first, 22, FIRST - 2).update();

        assertThatThrownBy(() -> jdbc.sql(insert).params(second, 23, FIRST - 2).update())
                .isInstanceOf(DataIntegrityViolationException.class);
        api.delete("/api/machines/" + first).expect(204);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM machine_forwards WHERE host_port = ?").params(FIRST - 2)
                .query(Long.class).single()).as("freed with its machine").isZero();
    }

    private static <T> List<T> race(List<Callable<T>> requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        try {
            List<T> answers = new ArrayList<>();
            for (Future<T> answer : pool.invokeAll(requests)) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
