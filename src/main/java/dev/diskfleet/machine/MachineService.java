package dev.diskfleet.machine;

import dev.diskfleet.attachment.AttachmentRepository;
import dev.diskfleet.attachment.AttachmentService;
import dev.diskfleet.provisioning.MachineDisks;
import dev.diskfleet.web.ApiException;
import dev.diskfleet.web.ETags;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Machines and their rules; disks change through {@link MachineDisks}. Plain calls, usable by fleets. */
@Service
public class MachineService {

    private final MachineRepository machines;
    private final AttachmentRepository attachments;
    private final AttachmentService attachmentService;
    private final MachineDisks disks;
    private final TransactionTemplate tx;
    private final TransactionTemplate readOnly;

    public MachineService(MachineRepository machines, AttachmentRepository attachments,
            AttachmentService attachmentService, MachineDisks disks, PlatformTransactionManager transactions) {
        this.machines = machines;
        this.attachments = attachments;
        this.attachmentService = attachmentService;
        this.disks = disks;
        this.tx = new TransactionTemplate(transactions);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    public Machine create(CreateMachineRequest request) {
        Machine machine = new Machine(UUID.randomUUID(), request.name(), request.description(),
                request.cpus() == null ? MachineLimits.DEFAULT_CPUS : request.cpus(),
                request.memoryMb() == null ? MachineLimits.DEFAULT_MEMORY_MB : request.memoryMb());
        return uniqueName(request.name(), () -> tx.execute(status -> {
            requireNameFree(request.name());
            return machines.saveAndFlush(machine);
        }));
    }

    public Machine require(UUID id) {
        return machines.findById(id).orElseThrow(() -> ApiException.notFound("machine", id));
    }

    public MachineResponse get(UUID id) {
        return readOnly.execute(status -> toResponse(require(id)));
    }

    /** Machines filtered by state ({@code poweredOff}, {@code running}) and a name substring. */
    public Page<MachineResponse> list(String state, String name, Pageable pageable) {
        Specification<Machine> filter = (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            if (state != null) {
                where.add(cb.equal(root.get("state"), "running".equals(state) ? MachineState.RUNNING
                        : MachineState.POWERED_OFF));
            }
            if (name != null) {
                where.add(cb.like(cb.lower(root.get("name")), "%" + name.toLowerCase(Locale.ROOT) + "%"));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
        return readOnly.execute(status -> machines.findAll(filter, pageable).map(this::toResponse));
    }

    /** Applies a PATCH; hardware changes only while powered off, as in VirtualBox. */
    public MachineResponse update(UUID id, PatchMachineRequest patch, String ifMatch) {
        return uniqueName(patch.name(), () -> tx.execute(status -> {
            Machine machine = require(id);
            ETags.checkIfMatch(ifMatch, machine.getVersion());
            if (patch.name() != null && !patch.name().equals(machine.getName())) {
                requireNameFree(patch.name());
                machine.setName(patch.name());
            }
            if (patch.description() != null) {
                machine.setDescription(patch.description());
            }
            boolean hardware = patch.cpus() != null && patch.cpus() != machine.getCpus()
                    || patch.memoryMb() != null && patch.memoryMb() != machine.getMemoryMb();
            if (hardware) {
                PowerRules.requirePoweredOff(machine, "change the CPUs or memory of");
                if (patch.cpus() != null) {
                    machine.setCpus(patch.cpus());
                }
                if (patch.memoryMb() != null) {
                    machine.setMemoryMb(patch.memoryMb());
                }
            }
            machine.touch();
            return toResponse(machines.saveAndFlush(machine));
        }));
    }

    /** Deletes a powered-off machine after detaching everything (see {@link MachineDisks#deleteMachine}). */
    public void delete(UUID id, String ifMatch) {
        ETags.checkIfMatch(ifMatch, require(id).getVersion());
        disks.deleteMachine(id);
    }

    public MachineResponse toResponse(Machine machine) {
        return new MachineResponse(machine.getId(), machine.getName(), machine.getDescription(), machine.getCpus(),
                machine.getMemoryMb(), machine.getState().apiName(), machine.getCurrentSnapshotId(),
                attachments.findByMachineIdOrderByPortAscDeviceAsc(machine.getId()).stream()
                        .map(attachmentService::toResponse).toList(),
                machine.getCreatedAt(), machine.getUpdatedAt());
    }

    private void requireNameFree(String name) {
        if (machines.existsByName(name)) {
            throw nameTaken(name);
        }
    }

    /** Two requests racing for one name: the unique constraint decides, the loser gets the same 409. */
    private static <T> T uniqueName(String name, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (DataIntegrityViolationException e) {
            throw nameTaken(name);
        }
    }

    private static ApiException nameTaken(String name) {
        return ApiException.conflict("machine-name-taken", "a machine named '" + name
                + "' already exists; machine names are unique");
    }
}
