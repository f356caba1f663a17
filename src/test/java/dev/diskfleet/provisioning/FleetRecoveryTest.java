package dev.diskfleet.provisioning;

import dev.diskfleet.provisioning.fleet.FleetWork;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackFleetTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A process killed in the middle of a fleet change leaves the fleet's row in the state it was changing
 * (and possibly a member's disk file published but never committed). The next start must finish the
 * job: these tests put a fleet in that situation and run the startup recovery.
 */
class FleetRecoveryTest extends FullStackFleetTest {

    @Autowired
    FleetWork work;


    private void cutShort(JsonNode fleet, String state) {
        jdbc.sql("UPDATE fleets SET state = ? WHERE id = ?").params(state, UUID.fromString(fleet.get("id").asString()))
                .update();
        // a member's disk published just before the process died, never committed
        store.createDifferencing(UUID.randomUUID(), UUID.fromString(fleet.get("baseImageId").asString()));
    }

    @Test
    void aDeploymentCutShortByAStoppedProcessIsRemovedEntirelyAtTheNextStart() {
        UUID golden = goldenImage();
        Leftovers before = leftovers();
        JsonNode fleet = deploy(unique("killed"), golden, 3, unique("kl"), true);
        cutShort(fleet, "PROVISIONING");

        work.recoverInterrupted();

        assertThat(leftovers()).isEqualTo(before);
        assertThat(api.get("/api/fleets/" + fleet.get("id").asString()).status()).isEqualTo(404);
        assertThat(api.get("/api/images/" + golden).status()).isEqualTo(200);
    }

    @Test
    void aScaleCutShortKeepsTheCompleteMembersAndRemovesTheUncommittedDisk() {
        JsonNode fleet = deploy(unique("scaling"), goldenImage(), 2, unique("sk"), false);
        Leftovers before = leftovers();
        cutShort(fleet, "SCALING");

        work.recoverInterrupted();

        assertThat(leftovers()).isEqualTo(before);
        JsonNode after = api.get("/api/fleets/" + fleet.get("id").asString()).json();
        assertThat(after.get("state").asString()).isEqualTo("ready");
        assertThat(after.get("machines")).hasSize(2);
    }
}
