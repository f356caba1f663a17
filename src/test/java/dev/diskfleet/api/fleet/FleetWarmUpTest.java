package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.provisioning.fleet.FleetWarmUp;
import dev.diskfleet.support.FullStackFleetTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;

/**
 * The deployment warm-up that runs at every start (off in the other tests' contexts) leaves nothing behind: no
 * row of any kind, no stored event, no file in the storage root and no scratch folder; and the service deploys
 * fleets as before once it ran.
 */
@TestPropertySource(properties = "diskfleet.fleets.warm-up=true")
class FleetWarmUpTest extends FullStackFleetTest {

    @Autowired
    FleetWarmUp warmUp;
    @Value("${diskfleet.data-dir}")
    Path dataDir;

    @Test
    void theWarmUpLeavesNoRowNoEventNoFileAndNoScratchFolder() {
        Leftovers before = leftovers();
        long events = jdbc.sql("SELECT COUNT(*) FROM events").query(Long.class).single();

        warmUp.run();

        assertThat(leftovers()).as("rows and storage files after a warm-up").isEqualTo(before);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events").query(Long.class).single()).as("events stored").isEqualTo(events);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleets WHERE name LIKE 'warm-up-%'").query(Long.class).single()).isZero();
        assertThat(dataDir.resolve(".fleet-warm-up")).as("the warm-up's scratch folder").doesNotExist();
        assertThat(deploy(unique("after-warm-up"), goldenImage(), 3, unique("aw"), false).path("machines")).hasSize(3);
    }
}
