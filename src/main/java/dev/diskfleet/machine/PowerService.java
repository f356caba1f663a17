package dev.diskfleet.machine;

import dev.diskfleet.provisioning.MachineDisks;
import dev.diskfleet.web.ApiException;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Power actions. Start and reset go through {@link MachineDisks#powerOn}, which empties autoReset media;
 * stop only records the state, so what the guest wrote stays readable until the next start.
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

    public MachineResponse start(UUID id) {
        disks.powerOn(id, false);
        return machineService.get(id);
    }

    /** A power cycle: stop and start in one step, so autoReset media are emptied as at any power-on. */
    public MachineResponse reset(UUID id) {
        disks.powerOn(id, true);
        return machineService.get(id);
    }

    public MachineResponse stop(UUID id) {
        tx.executeWithoutResult(status -> {
            Machine machine = machines.lockById(id).orElseThrow(() -> ApiException.notFound("machine", id));
            PowerRules.requireRunning(machine, "stop");
            machine.setState(MachineState.POWERED_OFF);
            machine.touch();
        });
        return machineService.get(id);
    }
}
