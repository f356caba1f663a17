package dev.diskfleet.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.FleetFaults;
import dev.diskfleet.FleetTestSupport;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A deployment cut short after k of N machines (an injected "disk full") must leave exactly what was
 * there before: the same rows in every table and the same files in the storage root.
 */
class FleetFailureTest extends FleetTestSupport {

    private static final int SIZE = 4;

    @Autowired
    FleetFaults faults;

    @AfterEach
    void disarm() {
        faults.disarm();
    }


    @ParameterizedTest(name = "failure after machine {0} of " + SIZE + ", start={1}")
    @CsvSource({"1, false", "2, false", "4, false", "3, true", "4, true"})
    void aDeploymentThatFailsHalfwayRemovesEverythingItMade(int k, boolean start) {
        UUID golden = goldenImage();
        String name = unique("doomed");
        String prefix = unique("dm");
        Leftovers before = leftovers();
        faults.failAfterMachine(k);

        JsonNode operation = awaitOperation(postJson("/api/fleets", fleetJson(name, golden, SIZE, prefix, start)));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(operation.get("error").get("detail").asString()).contains("no space left on device");
        assertThat(operation.get("result").get("rolledBack").asBoolean()).isTrue();
        assertThat(operation.get("result").get("machines")).hasSize(k);
        assertThat(leftovers()).isEqualTo(before);
        assertThat(json(get("/api/images/" + golden)).get("type").asString()).isEqualTo("normal");
        for (JsonNode machine : operation.get("result").get("machines")) {
            assertThat(get("/api/machines/" + machine.get("machineId").asString()).statusCode()).isEqualTo(404);
        }
        String fleetId = operation.get("targetId").asString();
        assertThat(get("/api/fleets/" + fleetId).statusCode()).isEqualTo(404);
    }

    /** Members are made in batches of 25, the next batch's disks ahead of time: those must go too. */
    @ParameterizedTest(name = "failure after machine {0} of 30")
    @CsvSource({"10", "27"})
    void aDeploymentOfSeveralBatchesThatFailsRemovesTheDisksMadeAheadAsWell(int k) {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        faults.failAfterMachine(k);

        JsonNode operation = awaitOperation(postJson("/api/fleets",
                fleetJson(unique("batches"), golden, 30, unique("bt"), false)));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(operation.get("result").get("rolledBack").asBoolean()).isTrue();
        assertThat(operation.get("result").get("machines")).hasSize(k);
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void aNameTakenByAnotherClientHalfwayFailsTheDeploymentAndRemovesOnlyWhatItMade() {
        UUID golden = goldenImage();
        String prefix = unique("nc");
        faults.meddleAfterMachine(1, () -> assertThat(postJson("/api/machines", "{\"name\":\"" + prefix + "-3\"}")
                .statusCode()).isEqualTo(201));
        Leftovers before = leftovers();

        JsonNode operation = awaitOperation(postJson("/api/fleets", fleetJson(unique("clash"), golden, SIZE, prefix, false)));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(operation.get("error").get("status").asInt()).isEqualTo(409);
        assertThat(operation.get("error").get("detail").asString()).contains(prefix + "-3");
        assertThat(leftovers()).isEqualTo(new Leftovers(before.images(), before.machines() + 1, before.attachments(),
                before.fleets(), before.members(), before.files()));
        assertThat(json(get("/api/machines?name=" + prefix)).get("items")).hasSize(1);
    }

    @ParameterizedTest(name = "scale-up failure after new machine {0}")
    @CsvSource({"1", "2"})
    void aScaleUpThatFailsHalfwayRemovesTheMachinesItAddedAndKeepsTheFleet(int k) {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 2, unique("su"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();
        Leftovers before = leftovers();
        faults.failAfterMachine(k);

        JsonNode operation = awaitOperation(patch(url, "{\"size\":5}"));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(leftovers()).isEqualTo(before);
        JsonNode after = json(get(url));
        assertThat(after.get("state").asString()).isEqualTo("ready");
        assertThat(after.get("size").asInt()).isEqualTo(2);
        assertThat(after.get("machines")).hasSize(2);
    }
}
