package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackFleetTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Racing requests on one fleet end in one consistent state: one request succeeds, the others are refused
 * with 409 (or find the fleet already gone, 404), and once every request is answered no row is left in a
 * transitional state. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class FleetRaceContract extends FullStackFleetTest {

    private static final int RACERS = 10;

    @Test
    void tenParallelForcedDeletesRemoveTheFleetOnceAndLeaveNothing() throws Exception {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        String name = unique("race");
        JsonNode fleet = deploy(name, golden, 3, unique("rc"), true);
        String path = "/api/fleets/" + fleet.get("id").asString() + "?force=true";

        List<Reply> answers = race(RACERS, () -> api.delete(path));

        assertThat(answers.stream().map(Reply::status).toList()).as("one delete is accepted, the others are refused or find it gone")
                .containsOnlyOnce(202).allMatch(status -> status == 202 || status == 409 || status == 404);
        for (Reply answer : answers) {
            if (answer.status() == 202) {
                assertThat(awaitOperation(answer).get("state").asString()).isEqualTo("succeeded");
            }
        }
        assertThat(api.get("/api/fleets/" + fleet.get("id").asString()).status()).isEqualTo(404);
        assertThat(leftovers()).isEqualTo(before);
        assertThat(deploy(name, golden, 1, unique("rc"), false).get("state").asString())
                .as("the name is free again").isEqualTo("ready");
    }

    @Test
    void racingScaleStopAndDeleteLeaveTheFleetReadyOrGone() throws Exception {
        UUID golden = goldenImage();
        JsonNode fleet = deploy(unique("mix"), golden, 2, unique("mx"), true);
        String id = fleet.get("id").asString();

        List<Reply> answers = race(RACERS, List.<Callable<Reply>>of(
                () -> api.patch("/api/fleets/" + id + "?force=true", "{\"size\":4}"),
                () -> api.postEmpty("/api/fleets/" + id + "/stop"),
                () -> api.delete("/api/fleets/" + id + "?force=true"),
                () -> api.patch("/api/fleets/" + id + "?force=true", "{\"size\":1}"),
                () -> api.postEmpty("/api/fleets/" + id + "/start")));
        for (Reply answer : answers) {
            assertThat(answer.status()).as(answer.text()).isIn(202, 404, 409);
            if (answer.status() == 202) {
                awaitOperation(answer);
            }
        }

        Reply after = api.get("/api/fleets/" + id);
        if (after.status() == 200) {
            JsonNode state = after.json();
            assertThat(state.get("state").asString()).as(after.text()).isEqualTo("ready");
            assertThat(state.get("machines")).as(after.text()).hasSize(state.get("size").asInt());
        } else {
            assertThat(after.status()).isEqualTo(404);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleets WHERE state <> 'READY'").query(Long.class).single())
                .as("no fleet row in a transitional state").isZero();
    }

    @Test
    void tenParallelScalesToOneSizeLeaveTheFleetReadyWithThatManyMachines() throws Exception {
        UUID golden = goldenImage();
        JsonNode fleet = deploy(unique("scale"), golden, 1, unique("sc"), false);
        String id = fleet.get("id").asString();

        List<Reply> answers = race(RACERS, () -> api.patch("/api/fleets/" + id, "{\"size\":3}"));
        int accepted = 0;
        for (Reply answer : answers) {
            if (answer.status() == 202) {
                accepted++;
                assertThat(awaitOperation(answer).get("state").asString()).as(answer.text()).isEqualTo("succeeded");
            } else {
                // The provisioner's claim: a loser finds the fleet busy, or loses the version check.
                assertThat(answer.status()).as(answer.text()).isEqualTo(409);
                assertThat(answer.json().get("type").asString()).as(answer.text()).isIn(
                        "https://diskfleet.dev/problems/fleet-busy", "https://diskfleet.dev/problems/concurrent-update");
            }
        }
        assertThat(accepted).as("at least one scale is accepted").isPositive();

        JsonNode after = api.get("/api/fleets/" + id).expect(200).json();
        assertThat(after.get("state").asString()).as(after.toString()).isEqualTo("ready");
        assertThat(after.get("size").asInt()).isEqualTo(3);
        assertThat(after.get("machines")).as(after.toString()).hasSize(3);
        for (JsonNode member : after.get("machines")) {
            JsonNode machine = api.get("/api/machines/" + member.get("machineId").asString()).expect(200).json();
            assertThat(machine.get("attachments")).as("each member has exactly its one disk").hasSize(1);
            assertThat(machine.get("attachments").get(0).get("id").asString())
                    .isEqualTo(member.get("attachmentId").asString());
            api.get("/api/images/" + member.get("diskImageId").asString()).expect(200);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleet_machines WHERE fleet_id = ?").param(UUID.fromString(id))
                .query(Long.class).single()).as("no extra member rows").isEqualTo(3);
        assertNoTransitionalFleet();
    }

    @Test
    void tenParallelStartsThenStopsOfOneMachineAgreeOnItsState() throws Exception {
        UUID machine = createMachine();
        String path = "/api/machines/" + machine;

        List<Reply> starts = race(RACERS, () -> api.postEmpty(path + "/start"));
        assertThat(starts.stream().filter(answer -> answer.status() == 200).toList())
                .as("one start succeeds; any other 200 shows the same running machine")
                .isNotEmpty().allSatisfy(answer -> assertThat(answer.json().get("state").asString()).isEqualTo("running"));
        starts.stream().filter(answer -> answer.status() != 200)
                .forEach(answer -> assertThat(answer.status()).as(answer.text()).isEqualTo(409));
        assertThat(api.get(path).expect(200).json().get("state").asString()).isEqualTo("running");

        List<Reply> stops = race(RACERS, () -> api.postEmpty(path + "/stop?force=true"));
        assertThat(stops.stream().filter(answer -> answer.status() == 200).toList())
                .as("one stop succeeds; any other 200 shows the same powered-off machine")
                .isNotEmpty().allSatisfy(answer -> assertThat(answer.json().get("state").asString()).isEqualTo("poweredOff"));
        stops.stream().filter(answer -> answer.status() != 200)
                .forEach(answer -> assertThat(answer.status()).as(answer.text()).isEqualTo(409));
        assertThat(api.get(path).expect(200).json().get("state").asString()).isEqualTo("poweredOff");
    }

    @Test
    void tenParallelFleetStartsLeaveEveryMemberRunning() throws Exception {
        UUID golden = goldenImage();
        JsonNode fleet = deploy(unique("start"), golden, 3, unique("st"), false);
        String id = fleet.get("id").asString();

        List<Reply> answers = race(RACERS, () -> api.postEmpty("/api/fleets/" + id + "/start"));
        for (Reply answer : answers) {
            assertThat(answer.status()).as(answer.text()).isEqualTo(202);
            // Each start finds every member starting or started: the later ones count it unchanged, none fails.
            JsonNode operation = awaitOperation(answer);
            assertThat(operation.get("state").asString()).as(operation.toString()).isEqualTo("succeeded");
        }

        JsonNode after = api.get("/api/fleets/" + id).expect(200).json();
        assertThat(after.get("state").asString()).as(after.toString()).isEqualTo("ready");
        assertThat(after.get("machines")).hasSize(3)
                .allSatisfy(member -> assertThat(member.get("state").asString()).isEqualTo("running"));
        assertNoTransitionalFleet();
        awaitOperation(api.postEmpty("/api/fleets/" + id + "/stop?force=true"));
    }

    @Test
    void tenParallelSnapshotsLeaveAConsistentTreeAndAReadableDisk() throws Exception {
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, createImage("normal"), 0), "id");
        byte[] content = pattern(7, 4096);
        written(machine, attachment, 0, content);
        String path = "/api/machines/" + machine + "/snapshots";
        String prefix = unique("snap");
        AtomicInteger numbers = new AtomicInteger();

        List<Reply> answers = race(RACERS, () -> api.post(path,
                DiskfleetClient.body("name", prefix + "-" + numbers.incrementAndGet())));
        List<String> taken = new ArrayList<>();
        for (Reply answer : answers) {
            assertThat(answer.status()).as(answer.text()).isIn(201, 409);
            if (answer.status() == 201) {
                taken.add(answer.json().get("id").asString());
            }
        }
        assertThat(taken).as("at least one snapshot is taken").isNotEmpty();

        List<String> listed = new ArrayList<>();
        collectIds(api.get(path).expect(200).json(), listed);
        assertThat(listed).as("the tree lists exactly the snapshots answered 201").containsExactlyInAnyOrderElementsOf(taken);
        assertThat(read(machine, attachment, 0, content.length)).as("the disk reads through its chain").isEqualTo(content);
        api.get(dataPath(machine, attachment)).expect(200);
    }

    @Test
    void tenMachinesRacingForOneNormalImageAttachItOnce() throws Exception {
        UUID image = createImage("normal");
        List<UUID> machines = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            machines.add(createMachine());
        }
        AtomicInteger next = new AtomicInteger();

        List<Reply> answers = race(RACERS, () -> attach(machines.get(next.getAndIncrement()), image, 0, ""));

        assertThat(answers.stream().map(Reply::status).toList()).as("a normal image is attached to one machine")
                .containsOnlyOnce(201).allMatch(status -> status == 201 || status == 409);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM attachments WHERE medium_id = ? OR image_id = ?")
                .param(image).param(image).query(Long.class).single()).as("attachment rows of the image").isEqualTo(1);
    }

    @Test
    void aGoldenRacedByDeletesAndLinkedFleetsIsNeverDeletedUnderAFleet() throws Exception {
        UUID golden = goldenImage();
        api.patch("/api/images/" + golden, DiskfleetClient.body("type", "immutable")).expect(200);
        String prefix = unique("under");
        AtomicInteger numbers = new AtomicInteger();

        List<Reply> answers = race(RACERS, List.<Callable<Reply>>of(
                () -> api.delete("/api/images/" + golden),
                () -> {
                    int n = numbers.incrementAndGet();
                    return api.post("/api/fleets", fleetJson(prefix + "-" + n, golden, 2, prefix + n, false));
                }));
        boolean deleted = false;
        int fleets = 0;
        for (Reply answer : answers) {
            if (answer.request().startsWith("DELETE")) {
                assertThat(answer.status()).as(answer.text()).isIn(204, 404, 409);
                deleted |= answer.status() == 204;
            } else if (answer.status() == 202) {
                fleets += awaitOperation(answer).get("state").asString().equals("succeeded") ? 1 : 0;
            } else {
                assertThat(answer.status()).as(answer.text()).isIn(404, 409);
            }
        }
        if (deleted) {
            assertThat(fleets).as("no fleet succeeded on a golden that was deleted").isZero();
            api.get("/api/images/" + golden).expect(404);
        } else {
            assertThat(fleets).as("with the golden kept, a fleet succeeded").isPositive();
            api.get("/api/images/" + golden).expect(200);
        }
        assertThat(storageFiles().stream().anyMatch(file -> file.contains(golden.toString())))
                .as("the golden's file is there exactly while its row is").isEqualTo(!deleted);
        assertNoTransitionalFleet();
    }

    /** The ids of a snapshot tree, depth first: each node lists the snapshots taken after it as children. */
    private static void collectIds(JsonNode nodes, List<String> ids) {
        for (JsonNode node : nodes) {
            ids.add(node.get("id").asString());
            collectIds(node.path("children"), ids);
        }
    }

    private void assertNoTransitionalFleet() {
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleets WHERE state <> 'READY'").query(Long.class).single())
                .as("no fleet row in a transitional state").isZero();
    }

    private static <T> List<T> race(int racers, Callable<T> request) throws Exception {
        List<Callable<T>> requests = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            requests.add(request);
        }
        return race(racers, requests);
    }

    /** Sends {@code racers} requests at once, cycling through {@code kinds}; their answers in order. */
    private static <T> List<T> race(int racers, List<Callable<T>> kinds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Callable<T> kind = kinds.get(i % kinds.size());
                futures.add(pool.submit(() -> {
                    go.await();
                    return kind.call();
                }));
            }
            go.countDown();
            List<T> answers = new ArrayList<>();
            for (Future<T> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
