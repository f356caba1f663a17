package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FleetFaults;
import dev.diskfleet.support.FullStackFleetTest;
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
class FleetFailureTest extends FullStackFleetTest {

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

        JsonNode operation = awaitOperation(api.post("/api/fleets", fleetJson(name, golden, SIZE, prefix, start)));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(operation.get("error").get("detail").asString()).contains("no space left on device");
        assertThat(operation.get("result").get("rolledBack").asBoolean()).isTrue();
        assertThat(operation.get("result").get("machines")).hasSize(k);
        assertThat(leftovers()).isEqualTo(before);
        assertThat(api.get("/api/images/" + golden).json().get("type").asString()).isEqualTo("normal");
        for (JsonNode machine : operation.get("result").get("machines")) {
            assertThat(api.get("/api/machines/" + machine.get("machineId").asString()).status()).isEqualTo(404);
        }
        String fleetId = operation.get("targetId").asString();
        assertThat(api.get("/api/fleets/" + fleetId).status()).isEqualTo(404);
    }

    /** Members are made in batches of 25, the next batch's disks ahead of time: those must go too. */
    @ParameterizedTest(name = "failure after machine {0} of 30")
    @CsvSource({"10", "27"})
    void aDeploymentOfSeveralBatchesThatFailsRemovesTheDisksMadeAheadAsWell(int k) {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        faults.failAfterMachine(k);

        JsonNode operation = awaitOperation(api.post("/api/fleets",
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
        // A name of the second batch (members are made 25 to a transaction), taken while the first is written.
        faults.meddleAfterMachine(1, () -> assertThat(api.post("/api/machines", "{\"name\":\"" + prefix + "-27\"}")
                .status()).isEqualTo(201));
        Leftovers before = leftovers();

        JsonNode operation = awaitOperation(api.post("/api/fleets", fleetJson(unique("clash"), golden, 30, prefix, false)));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(operation.get("error").get("status").asInt()).isEqualTo(409);
        assertThat(operation.get("error").get("detail").asString()).contains(prefix + "-27");
        assertThat(leftovers()).isEqualTo(new Leftovers(before.images(), before.machines() + 1, before.attachments(),
                before.fleets(), before.members(), before.files()));
        assertThat(api.get("/api/machines?name=" + prefix).json().get("items")).hasSize(1);
    }

    @ParameterizedTest(name = "scale-up failure after new machine {0}")
    @CsvSource({"1", "2"})
    void aScaleUpThatFailsHalfwayRemovesTheMachinesItAddedAndKeepsTheFleet(int k) {
        JsonNode fleet = deploy(unique("fleet"), goldenImage(), 2, unique("su"), false);
        String url = "/api/fleets/" + fleet.get("id").asString();
        Leftovers before = leftovers();
        faults.failAfterMachine(k);

        JsonNode operation = awaitOperation(api.patch(url, "{\"size\":5}"));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(leftovers()).isEqualTo(before);
        JsonNode after = api.get(url).json();
        assertThat(after.get("state").asString()).isEqualTo("ready");
        assertThat(after.get("size").asInt()).isEqualTo(2);
        assertThat(after.get("machines")).hasSize(2);
    }
}
