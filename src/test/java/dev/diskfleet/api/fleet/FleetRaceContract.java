package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

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

        List<Integer> statuses = race(RACERS, () -> api.delete(path).status());

        assertThat(statuses).as("one delete succeeds, the others are refused or find it gone")
                .containsOnlyOnce(204).allMatch(status -> status == 204 || status == 409 || status == 404);
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
            assertThat(answer.status()).as(answer.text()).isIn(200, 202, 204, 404, 409);
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
