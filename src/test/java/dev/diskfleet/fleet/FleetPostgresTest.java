package dev.diskfleet.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.FleetFaults;
import dev.diskfleet.FleetTestSupport;
import dev.diskfleet.support.Postgres;
import java.net.http.HttpResponse;
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
class FleetPostgresTest extends FleetTestSupport {

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

        HttpResponse<String> first = postJson("/api/fleets", body, "Idempotency-Key", key);
        HttpResponse<String> retry = postJson("/api/fleets", body, "Idempotency-Key", key);
        HttpResponse<String> reused = postJson("/api/fleets", body.replace("\"size\":3", "\"size\":4"),
                "Idempotency-Key", key);

        assertThat(json(retry).get("id")).isEqualTo(json(first).get("id"));
        assertThat(reused.statusCode()).isEqualTo(422);
        JsonNode operation = awaitOperation(first);
        assertThat(operation.get("state").asString()).isEqualTo("succeeded");
        JsonNode fleet = json(get(operation.get("resourceUrl").asString()));
        assertThat(fleet.get("machines")).hasSize(3);
        assertThat(fleet.get("usage").get("savedBytes").asLong()).isPositive();

        assertThat(delete("/api/fleets/" + fleet.get("id").asString() + "?force=true").statusCode()).isEqualTo(204);
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void aDeploymentThatFailsHalfwayLeavesNothingBehind() {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        faults.failAfterMachine(2);

        JsonNode operation = awaitOperation(postJson("/api/fleets", fleetJson(unique("pg-doomed"), golden, 3,
                unique("pd"), false)));

        assertThat(operation.get("state").asString()).isEqualTo("failed");
        assertThat(leftovers()).isEqualTo(before);
    }
}
