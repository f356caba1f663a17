package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FleetFaults;
import dev.diskfleet.support.FullStackFleetTest;
import dev.diskfleet.support.Postgres;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * Fleets and idempotency keys on PostgreSQL through the postgres profile, in a schema of their own:
 * the migrations, the key claim (a primary-key insert) and the all-or-nothing deployment. Skipped
 * locally without a server; with CI=true a missing server fails it.
 */
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = Postgres.class)
class FleetPostgresTest extends FullStackFleetTest {

    @Autowired
    FleetFaults faults;

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireServer();
    }

    @AfterEach
    void disarm() {
        faults.disarm();
    }

    @Test
    void aRetriedDeploymentMakesOneFleetAndDeletingItLeavesOnlyTheGolden() {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        String body = fleetJson(unique("pg-fleet"), golden, 3, unique("pq"), true);
        String key = UUID.randomUUID().toString();

        Reply first = api.post("/api/fleets", body, "Idempotency-Key", key);
        Reply retry = api.post("/api/fleets", body, "Idempotency-Key", key);
        Reply reused = api.post("/api/fleets", body.replace("\"size\":3", "\"size\":4"),
                "Idempotency-Key", key);

        assertThat(retry.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(reused.status()).isEqualTo(422);
        JsonNode operation = awaitOperation(first);
        assertThat(operation.get("state").asString()).isEqualTo("succeeded");
        JsonNode fleet = api.get(operation.get("resourceUrl").asString()).json();
        assertThat(fleet.get("machines")).hasSize(3);
        assertThat(fleet.get("usage").get("savedBytes").asLong()).isPositive();

        deleteFleet("/api/fleets/" + fleet.get("id").asString() + "?force=true");
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void aDeploymentThatFailsHalfwayLeavesNothingBehind() {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        faults.failAfterMachine(2);

        JsonNode operation = awaitOperation(api.post("/api/fleets", fleetJson(unique("pg-doomed"), golden, 3,
                unique("pd"), false)));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(leftovers()).isEqualTo(before);
    }
}
