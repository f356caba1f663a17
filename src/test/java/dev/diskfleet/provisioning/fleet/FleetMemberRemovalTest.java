package dev.diskfleet.provisioning.fleet;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.ExpectedVersion;
import dev.diskfleet.domain.fleet.FleetMachineRepository;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.provisioning.DiskTransaction;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.machine.MachineBatch;
import dev.diskfleet.provisioning.machine.MachineService;
import dev.diskfleet.provisioning.machine.PowerService;
import dev.diskfleet.storage.ImageStore;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A fleet's delete removes a member it read as running; a fleet stop racing it (on this node or another) may
 * power the member off first. The removal must still delete the member: failing it left the fleet
 * {@code deleting} (seen in FleetRaceTwoNodesPostgresTest).
 */
class FleetMemberRemovalTest {

    @Test
    void aMemberPoweredOffSinceItWasReadRunningIsStillRemoved() {
        UUID id = UUID.randomUUID();
        Machine readRunning = mock(Machine.class);
        when(readRunning.isRunning()).thenReturn(true);
        MachineRepository machines = mock(MachineRepository.class);
        when(machines.findById(id)).thenReturn(Optional.of(readRunning));
        PowerService power = mock(PowerService.class);
        // What the service does for a machine that is powered off by now: a plain stop refuses it.
        when(power.stop(eq(id), any(Duration.class), anyBoolean())).thenThrow(new ConflictException("machine-not-running",
                "cannot stop machine " + id + ": it is powered off"));
        when(power.stopUnlessPoweredOff(eq(id), any(Duration.class), anyBoolean()))
                .thenReturn(new PowerService.Outcome(null, false));
        MachineService machineService = mock(MachineService.class);
        FleetMembers members = new FleetMembers(machineService, machines, mock(MachineBatch.class),
                mock(JdbcTemplate.class), power, mock(DiskTransaction.class), mock(FleetMachineRepository.class),
                mock(ImageStore.class), mock(FileIntents.class), mock(LocalNode.class));

        assertThatCode(() -> members.remove(id)).doesNotThrowAnyException();
        verify(machineService).delete(id, ExpectedVersion.ANY);
    }
}
