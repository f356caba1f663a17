package dev.diskfleet.domain.machine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.domain.ConflictException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PowerRulesTest {

    private final Machine machine = new Machine(UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "pg-1",
            null, 1, 1024);

    @Test
    void aRunningMachineRefusesLayoutChangesNamingItselfAndHowToStopIt() {
        machine.setState(MachineState.RUNNING);
        assertThatThrownBy(() -> PowerRules.requirePoweredOff(machine, "delete"))
                .isInstanceOfSatisfying(ConflictException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.slug()).isEqualTo("machine-running"))
                .hasMessage("cannot delete machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7) while it is running;"
                        + " stop it first (POST /api/machines/7c9e6679-7425-40de-944b-e07fc1f90ae7/stop)");
        assertThatCode(() -> PowerRules.requireRunning(machine, "stop")).doesNotThrowAnyException();
    }

    @Test
    void aPoweredOffMachineCannotBeStoppedOrReset() {
        assertThatCode(() -> PowerRules.requirePoweredOff(machine, "delete")).doesNotThrowAnyException();
        assertThatThrownBy(() -> PowerRules.requireRunning(machine, "reset"))
                .isInstanceOf(ConflictException.class)
                .hasMessageStartingWith("cannot reset machine pg-1 (7c9e6679-7425-40de-944b-e07fc1f90ae7): it is powered off");
    }

    @Test
    void stateFilterNamesAreTheApiSpellings() {
        org.assertj.core.api.Assertions.assertThat(MachineState.fromApiName("running")).isEqualTo(MachineState.RUNNING);
        org.assertj.core.api.Assertions.assertThat(MachineState.fromApiName("poweredOff"))
                .isEqualTo(MachineState.POWERED_OFF);
        org.assertj.core.api.Assertions.assertThat(MachineState.POWERED_OFF.apiName()).isEqualTo("poweredOff");
    }
}
