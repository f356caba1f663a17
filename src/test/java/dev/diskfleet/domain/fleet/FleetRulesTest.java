package dev.diskfleet.domain.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.domain.ConflictException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FleetRulesTest {

    private final UUID fleetId = UUID.randomUUID();

    @Test
    void newMembersFillTheLowestFreeNumbersFirst() {
        List<FleetMachine> members = List.of(member(1), member(2), member(4), member(7));
        assertThat(FleetRules.freeOrdinals(members, 3)).containsExactly(3, 5, 6);
        assertThat(FleetRules.freeOrdinals(List.of(), 2)).containsExactly(1, 2);
        assertThat(FleetRules.freeOrdinals(members, 0)).isEmpty();
    }

    @Test
    void onlyAReadyFleetMayChangeAndTheRefusalSaysWhatItIsDoing() {
        Fleet fleet = new Fleet(fleetId, "pg-test", UUID.randomUUID(), UUID.randomUUID(), 3, "pg", true);
        assertThatThrownBy(() -> FleetRules.requireReady(fleet, "scale"))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.slug()).isEqualTo("fleet-busy"))
                .hasMessageContaining("cannot scale fleet pg-test (" + fleetId + "): it is provisioning");
        fleet.moveTo(FleetState.READY);
        assertThatCode(() -> FleetRules.requireReady(fleet, "scale")).doesNotThrowAnyException();
        assertThat(fleet.machineName(12)).isEqualTo("pg-12");
    }

    @Test
    void stateNamesDoNotDependOnTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr"));
            Fleet fleet = new Fleet(fleetId, "f", UUID.randomUUID(), UUID.randomUUID(), 1, "p", true);
            fleet.moveTo(FleetState.SCALING);
            assertThatThrownBy(() -> FleetRules.requireReady(fleet, "delete")).hasMessageContaining("it is scaling;");
            assertThat(FleetPowerAction.START.apiName()).isEqualTo("start");
        } finally {
            Locale.setDefault(before);
        }
    }

    private FleetMachine member(int ordinal) {
        return new FleetMachine(UUID.randomUUID(), fleetId, ordinal);
    }
}
