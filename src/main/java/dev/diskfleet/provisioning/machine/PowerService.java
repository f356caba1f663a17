package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.domain.machine.PowerRules;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Power actions. Start and reset go through {@link MachineDisks#powerOn}, which empties autoReset media;
 * stop only records the state, so what the guest wrote stays readable until the next start. Each returns
 * the machine as it is afterwards.
 */
@Service
public class PowerService {

    private final MachineRepository machines;
    private final MachineDisks disks;
    private final MachineService machineService;
    private final TransactionTemplate tx;

    public PowerService(MachineRepository machines, MachineDisks disks, MachineService machineService,
            PlatformTransactionManager transactions) {
        this.machines = machines;
        this.disks = disks;
        this.machineService = machineService;
        this.tx = new TransactionTemplate(transactions);
    }

    public MachineDetails start(UUID id) {
        disks.powerOn(id, false);
        return machineService.get(id);
    }

    /** A power cycle: stop and start in one step, so autoReset media are emptied as at any power-on. */
    public MachineDetails reset(UUID id) {
        disks.powerOn(id, true);
        return machineService.get(id);
    }

    public MachineDetails stop(UUID id) {
        tx.executeWithoutResult(status -> {
            Machine machine = machines.lockById(id).orElseThrow(() -> new NotFoundException("machine", id));
            PowerRules.requireRunning(machine, "stop");
            machine.setState(MachineState.POWERED_OFF);
        });
        return machineService.get(id);
    }
}
