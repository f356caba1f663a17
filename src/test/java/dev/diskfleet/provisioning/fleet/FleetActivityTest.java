package dev.diskfleet.provisioning.fleet;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.fleet.Fleet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Power actions on a fleet's members and a delete or scale of the fleet never overlap: whichever comes
 * second is refused with a conflict; power actions may overlap each other; once the first ends, the other
 * kind is let in. (The race contract shows the same over HTTP, by chance; this shows every order.)
 */
class FleetActivityTest {

    private final FleetActivity activity = new FleetActivity();
    private final Fleet fleet = new Fleet(UUID.randomUUID(), "db", UUID.randomUUID(), UUID.randomUUID(), 2, "db", true);

    @Test
    void aDeleteOrScaleIsRefusedWhileAPowerActionRunsAndLetInOnceAllHaveEnded() {
        activity.beginPower(fleet, "start");
        activity.beginPower(fleet, "stop");
        activity.endPower(fleet.getId());

        assertThatThrownBy(() -> activity.beginExclusive(fleet, "delete")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("a start, stop or reset is running");
        activity.endPower(fleet.getId());
        assertThatCode(() -> activity.beginExclusive(fleet, "delete")).doesNotThrowAnyException();
    }

    @Test
    void aPowerActionOrASecondDeleteIsRefusedWhileADeleteRunsAndLetInAfterIt() {
        activity.beginExclusive(fleet, "scale");

        assertThatThrownBy(() -> activity.beginPower(fleet, "start")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("being scaled or deleted");
        assertThatThrownBy(() -> activity.beginExclusive(fleet, "delete")).isInstanceOf(ConflictException.class);
        activity.endExclusive(fleet.getId());
        assertThatCode(() -> activity.beginPower(fleet, "start")).doesNotThrowAnyException();
    }
}
