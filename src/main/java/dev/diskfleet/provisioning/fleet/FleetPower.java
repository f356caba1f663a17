package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetMachine;
import dev.diskfleet.domain.fleet.FleetPowerAction;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.provisioning.machine.MachineDetails;
import dev.diskfleet.provisioning.machine.PowerService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Runs a power action on every member of a fleet, one machine at a time, and reports each outcome. */
@Service
public class FleetPower {

    private final FleetCatalog catalog;
    private final MachineRepository machines;
    private final PowerService power;

    public FleetPower(FleetCatalog catalog, MachineRepository machines, PowerService power) {
        this.catalog = catalog;
        this.machines = machines;
        this.power = power;
    }

    /** What one member's action did: its state afterwards, or the failure (with the state it was left in). */
    public record MemberOutcome(int ordinal, UUID machineId, String name, MachineState state,
            RuntimeException failure) {

        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * Applies {@code action} to each member in turn; a failure on one is reported in its outcome and does
     * not stop the others. A reset starts a powered-off member (a power cycle of a machine that is off is
     * a power-on); start and stop report machines already in that state as failed with the conflict the
     * machine rules give.
     */
    public List<MemberOutcome> apply(UUID fleetId, FleetPowerAction action) {
        Fleet fleet = catalog.requireReady(fleetId, action.apiName());
        List<MemberOutcome> outcomes = new ArrayList<>();
        for (FleetMachine member : catalog.members(fleet.getId())) {
            UUID id = member.getMachineId();
            try {
                MachineDetails after = switch (action) {
                    case START -> power.start(id);
                    case STOP -> power.stop(id);
                    case RESET -> machines.findById(id).map(Machine::isRunning).orElse(false)
                            ? power.reset(id) : power.start(id);
                };
                outcomes.add(new MemberOutcome(member.getOrdinal(), id, after.machine().getName(),
                        after.machine().getState(), null));
            } catch (RuntimeException e) {
                MachineState state = machines.findById(id).map(Machine::getState).orElse(null);
                outcomes.add(new MemberOutcome(member.getOrdinal(), id, fleet.machineName(member.getOrdinal()), state,
                        e));
            }
        }
        return outcomes;
    }
}
