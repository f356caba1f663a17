package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.domain.machine.PowerRules;
import dev.diskfleet.provisioning.event.Events;
import dev.diskfleet.provisioning.metrics.DiskfleetMeters;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Power actions. Start and reset go through {@link MachineDisks#powerOn}, which empties autoReset media;
 * stop only records the state, so what the guest wrote stays readable until the next start. Each returns
 * the machine as it is afterwards, and announces the new state with its reason once it is committed; a start
 * that fails counts as a boot failure.
 */
@Service
public class PowerService {

    private final MachineRepository machines;
    private final MachineDisks disks;
    private final MachineService machineService;
    private final TransactionTemplate tx;
    private final Events events;
    private final DiskfleetMeters meters;

    public PowerService(MachineRepository machines, MachineDisks disks, MachineService machineService,
            PlatformTransactionManager transactions, Events events, DiskfleetMeters meters) {
        this.machines = machines;
        this.disks = disks;
        this.machineService = machineService;
        this.tx = new TransactionTemplate(transactions);
        this.events = events;
        this.meters = meters;
    }

    public MachineDetails start(UUID id) {
        powerOn(id, false, "started");
        return machineService.get(id);
    }

    /** A power cycle: stop and start in one step, so autoReset media are emptied as at any power-on. */
    public MachineDetails reset(UUID id) {
        powerOn(id, true, "reset");
        return machineService.get(id);
    }

    public MachineDetails stop(UUID id) {
        tx.executeWithoutResult(status -> {
            Machine machine = machines.lockById(id).orElseThrow(() -> new NotFoundException("machine", id));
            PowerRules.requireRunning(machine, "stop");
            machine.setState(MachineState.POWERED_OFF);
            events.machineState(id, MachineState.POWERED_OFF.apiName(), "stopped");
        });
        return machineService.get(id);
    }

    /** A refusal by the rules (already running, a disk inaccessible) is no boot attempt; anything else failed one. */
    private void powerOn(UUID id, boolean cycle, String reason) {
        try {
            disks.powerOn(id, cycle);
        } catch (DomainException refused) {
            throw refused;
        } catch (RuntimeException e) {
            meters.bootFailed();
            throw e;
        }
        meters.booted();
        events.machineState(id, MachineState.RUNNING.apiName(), reason);
    }
}
