package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.ExpectedVersion;
import dev.diskfleet.domain.NameFilter;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.machine.CloudInit;
import dev.diskfleet.domain.machine.CloudInitRules;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineLimits;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.domain.machine.PowerRules;
import dev.diskfleet.domain.network.NetworkPlan;
import dev.diskfleet.provisioning.LimitsProperties;
import dev.diskfleet.provisioning.NaturalNamePages;
import dev.diskfleet.provisioning.network.HostPorts;
import dev.diskfleet.provisioning.node.NodePlacement;
import dev.diskfleet.provisioning.attachment.AttachmentCatalog;
import dev.diskfleet.provisioning.guest.Guests;
import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Machines: creating, reading, changing and deleting them; disks change through {@link MachineDisks}. */
@Service
public class MachineService {

    private final MachineRepository machines;
    private final AttachmentCatalog attachments;
    private final MachineDisks disks;
    private final Guests guests;
    private final long maxUserDataBytes;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;

    private final HostPorts hostPorts;
    private final EntityManager entities;
    private final NodePlacement placement;

    public MachineService(MachineRepository machines, AttachmentCatalog attachments, MachineDisks disks,
            Guests guests, LimitsProperties limits, HostPorts hostPorts, PlatformTransactionManager transactions,
            EntityManager entities, NodePlacement placement) {
        this.machines = machines;
        this.placement = placement;
        this.entities = entities;
        this.hostPorts = hostPorts;
        this.maxUserDataBytes = limits.maxUserData().toBytes();
        this.attachments = attachments;
        this.disks = disks;
        this.guests = guests;
        this.tx = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /** A new powered-off machine without disks; null CPUs and memory take VirtualBox-like defaults. */
    public Machine create(String name, String description, Integer cpus, Integer memoryMb) {
        return create(name, description, cpus, memoryMb, CloudInit.DEFAULT);
    }

    /** The same with its cloud-init setting. */
    public Machine create(String name, String description, Integer cpus, Integer memoryMb, CloudInit cloudInit) {
        return create(name, description, cpus, memoryMb, cloudInit, NetworkPlan.DEFAULT);
    }

    /** The same with its network: its forwards get their host ports in the same transaction, kept for good. */
    public Machine create(String name, String description, Integer cpus, Integer memoryMb, CloudInit cloudInit,
            NetworkPlan network) {
        return create(name, description, cpus, memoryMb, cloudInit, network, null);
    }

    /**
     * The same on the node named (404 if there is none, 409 unless it is online and undrained); null: this node
     * without a cluster, else the node that first starts it.
     */
    public Machine create(String name, String description, Integer cpus, Integer memoryMb, CloudInit cloudInit,
            NetworkPlan network, String node) {
        return createOn(placement.nodeForNewMachine(node), name, description, cpus, memoryMb, cloudInit, network);
    }

    /** The same on a node already chosen (a fleet member's). */
    public Machine createOn(String node, String name, String description, Integer cpus, Integer memoryMb,
            CloudInit cloudInit, NetworkPlan network) {
        checkCloudInit(cloudInit);
        Machine machine = new Machine(UUID.randomUUID(), name, description,
                cpus == null ? MachineLimits.DEFAULT_CPUS : cpus,
                memoryMb == null ? MachineLimits.DEFAULT_MEMORY_MB : memoryMb);
        machine.setCloudInit(cloudInit);
        machine.setNetwork(network.mode(), network.outbound());
        machine.placeOn(node);
        return uniqueName(name, () -> tx.execute(status -> {
            requireNameFree(name);
            Machine saved = machines.saveAndFlush(machine);
            hostPorts.assign(saved.getId(), network);
            return saved;
        }));
    }

    public Machine require(UUID id) {
        return machines.findById(id).orElseThrow(() -> new NotFoundException("machine", id));
    }

    public MachineDetails get(UUID id) {
        return readOnly.execute(status -> details(require(id)));
    }

    /** Machines filtered by state ({@code poweredOff}, {@code running}) and a name substring. */
    public Page<MachineDetails> list(String state, String name, Pageable pageable) {
        Specification<Machine> filter = (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            if (state != null) {
                where.add(cb.equal(root.get("state"), MachineState.fromApiName(state)));
            }
            if (name != null) {
                where.add(cb.like(cb.lower(root.get("name")), NameFilter.containing(name), NameFilter.ESCAPE));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
        return readOnly.execute(status -> NaturalNamePages.page(entities, Machine.class, filter, pageable, Machine::getId)
                .map(this::details));
    }

    /** Applies a PATCH; hardware changes only while powered off, as in VirtualBox. */
    public MachineDetails update(UUID id, MachinePatch patch, ExpectedVersion expected) {
        return uniqueName(patch.name(), () -> tx.execute(status -> {
            Machine machine = require(id);
            expected.check(machine.getVersion());
            if (patch.name() != null && !patch.name().equals(machine.getName())) {
                requireNameFree(patch.name());
                machine.setName(patch.name());
            }
            if (patch.description() != null) {
                machine.setDescription(patch.description());
            }
            boolean hardware = patch.cpus() != null && patch.cpus() != machine.getCpus()
                    || patch.memoryMb() != null && patch.memoryMb() != machine.getMemoryMb();
            if (patch.network() != null && !sameNetwork(machine, patch.network())) {
                PowerRules.requirePoweredOff(machine, "change the network of");
                machine.setNetwork(patch.network().mode(), patch.network().outbound());
                hostPorts.assign(machine.getId(), patch.network());
            }
            if (hardware) {
                PowerRules.requirePoweredOff(machine, "change the CPUs or memory of");
                if (patch.cpus() != null) {
                    machine.setCpus(patch.cpus());
                }
                if (patch.memoryMb() != null) {
                    machine.setMemoryMb(patch.memoryMb());
                }
            }
            if (patch.cloudInit() != null) {
                MachinePatch.CloudInitPatch change = patch.cloudInit();
                CloudInit changed = machine.cloudInit().with(change.enabled(), change.metaData(), change.userData(),
                        change.networkConfig());
                if (!changed.equals(machine.cloudInit())) {
                    // the seed is written at power-on: a running guest would not see the change
                    PowerRules.requirePoweredOff(machine, "change the cloud-init seed of");
                    checkCloudInit(changed);
                    machine.setCloudInit(changed);
                }
            }
            return details(machines.saveAndFlush(machine));
        }));
    }

    /** 400 or 413 when a cloud-init setting breaks a rule (see {@link CloudInitRules}). */
    public void checkCloudInit(CloudInit cloudInit) {
        CloudInitRules.check(cloudInit, maxUserDataBytes);
    }

    /**
     * Deletes a powered-off machine after detaching everything (see {@link MachineDisks#deleteMachine}), then
     * its guest's run directory.
     */
    public void delete(UUID id, ExpectedVersion expected) {
        expected.check(require(id).getVersion());
        disks.deleteMachine(id);
        guests.removeRunDirectory(id);
    }

    public MachineDetails details(Machine machine) {
        return new MachineDetails(machine, attachments.ofMachine(machine.getId()),
                hostPorts.networkOf(machine.getId(), machine.getNetworkMode(), machine.isNetworkOutbound())
                        .reachedAt(placement.guestAddressOf(machine.getNode())));
    }

    /** Whether {@code plan} is what the machine has already: then a running machine may be sent it again. */
    private boolean sameNetwork(Machine machine, NetworkPlan plan) {
        if (plan.mode() != machine.getNetworkMode() || plan.outbound() != machine.isNetworkOutbound()) {
            return false;
        }
        Map<String, Integer> have = new HashMap<>();
        hostPorts.networkOf(machine.getId(), machine.getNetworkMode(), machine.isNetworkOutbound()).forwards()
                .forEach(forward -> have.put(forward.key(), forward.hostPort()));
        return have.size() == plan.forwards().size() && plan.forwards().stream().allMatch(wanted ->
                have.containsKey(wanted.key())
                        && (wanted.hostPort() == null || wanted.hostPort().equals(have.get(wanted.key()))));
    }

    private void requireNameFree(String name) {
        if (machines.existsByName(name)) {
            throw nameTaken(name);
        }
    }

    /** Two requests racing for one name: the unique constraint decides, the loser gets the same 409. */
    private static <T> T uniqueName(String name, Supplier<T> work) {
        try {
            return work.get();
        } catch (DataIntegrityViolationException e) {
            if (String.valueOf(e.getMostSpecificCause().getMessage()).toLowerCase(java.util.Locale.ROOT)
                    .contains("machine_forwards")) {
                throw new ConflictException("host-port-taken", "a host port of this request was given to another"
                        + " machine at the same moment; retry (a port left to the service is then picked anew)");
            }
            throw nameTaken(name);
        }
    }

    private static ConflictException nameTaken(String name) {
        return new ConflictException("machine-name-taken", "a machine named '" + name
                + "' already exists; machine names are unique");
    }
}
