package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.BaseEntity;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.NaturalOrder;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentPlan;
import dev.diskfleet.domain.attachment.AttachmentRules;
import dev.diskfleet.domain.event.ResourceChangeListener;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.CloudInit;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineLimits;
import dev.diskfleet.domain.network.NetworkPlan;
import dev.diskfleet.provisioning.network.HostPorts;
import dev.diskfleet.storage.ImageSummary;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Many new machines of one kind, each with its own differencing disk on one immutable image (a fleet's
 * members), written in the caller's transaction with a few statements for all of them instead of some ten
 * for each: one name check, one lock of the image, then one JDBC batch per table. The rules are those of
 * {@link MachineService#create} and {@link MachineDisks#attach}, checked once where they are the same for
 * every machine (the image, the cloud-init setting, the slot of a machine that has no disk yet), and the
 * rows announce their creation as JPA rows do ({@link ResourceChangeListener}).
 */
@Service
public class MachineBatch {

    /** A machine to make. */
    public record NewMachine(String name, String description) {
    }

    /**
     * What every machine of a batch shares: hardware, cloud-init, network, the disk's slot and image, and the
     * node it is placed on (this one, which makes its disk).
     */
    public record Shape(Integer cpus, Integer memoryMb, CloudInit cloudInit, NetworkPlan network, AttachmentPlan disk,
            String node) {
    }

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final EntityManager entities;
    private final AttachmentRules rules;
    private final MachineService machineService;
    private final HostPorts hostPorts;
    private final ApplicationEventPublisher publisher;

    public MachineBatch(JdbcTemplate jdbc, EntityManager entities, AttachmentRules rules, MachineService machineService,
            HostPorts hostPorts, ApplicationEventPublisher publisher) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.entities = entities;
        this.rules = rules;
        this.machineService = machineService;
        this.hostPorts = hostPorts;
        this.publisher = publisher;
    }

    /**
     * Inserts the machines, powered off, each with its disk {@code ownDisks} (same order; files published on
     * {@code shape.disk()}'s image, journaled by the caller's disk transaction, which this must run in)
     * attached at the shape's slot. Returns the machines' rows as written.
     *
     * @throws ConflictException {@code machine-name-taken} when a name is taken (also when a concurrent
     *     request took it first), and the attach rules' 409s for the image
     */
    public List<Machine> create(List<NewMachine> machines, Shape shape, List<ImageSummary> ownDisks) {
        machineService.checkCloudInit(shape.cloudInit());
        // Locks the image's row and bumps its version once for the batch, as each single attach does.
        Image image = entities.find(Image.class, shape.disk().imageId(), LockModeType.PESSIMISTIC_FORCE_INCREMENT);
        if (image == null) {
            throw new NotFoundException("image", shape.disk().imageId());
        }
        rules.requireAttachable(image, shape.disk());
        for (ImageSummary disk : ownDisks) {
            if (image.getType() != ImageType.IMMUTABLE || !image.getId().equals(disk.parentId())) {
                throw new IllegalStateException("disk " + disk.id() + " was made for image " + disk.parentId()
                        + ", not for " + image.getType() + " image " + image.getId());
            }
        }
        requireNamesFree(machines.stream().map(NewMachine::name).toList());
        List<Machine> rows = new ArrayList<>();
        List<Image> disks = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        boolean autoReset = shape.disk().autoReset() == null || shape.disk().autoReset();
        for (int i = 0; i < machines.size(); i++) {
            NewMachine wanted = machines.get(i);
            Machine machine = new Machine(UUID.randomUUID(), wanted.name(), wanted.description(),
                    shape.cpus() == null ? MachineLimits.DEFAULT_CPUS : shape.cpus(),
                    shape.memoryMb() == null ? MachineLimits.DEFAULT_MEMORY_MB : shape.memoryMb());
            machine.setCloudInit(shape.cloudInit());
            machine.setNetwork(shape.network().mode(), shape.network().outbound());
            machine.placeOn(shape.node());
            rows.add(machine);
            ImageSummary file = ownDisks.get(i);
            disks.add(Image.differencing(file, image, image.getName() + " @ " + machine.getName(),
                    "machine " + machine.getName() + "'s own disk on immutable image " + image.getName(), autoReset));
            attachments.add(new Attachment(UUID.randomUUID(), machine.getId(), shape.disk().port(),
                    shape.disk().device(), image.getType(), image.getId(), file.id()));
        }
        try {
            insertMachines(rows);
            hostPorts.assignToNew(rows.stream().map(Machine::getId).toList(), shape.network());
            insertDisks(disks);
            insertAttachments(attachments);
        } catch (DataIntegrityViolationException raced) {
            // A concurrent request took a name (or a host port) after the check: the constraint decided.
            if (String.valueOf(raced.getMostSpecificCause().getMessage()).toLowerCase(java.util.Locale.ROOT)
                    .contains("machine_forwards")) {
                throw new ConflictException("host-port-taken", "a host port of this request was given to another"
                        + " machine at the same moment; retry (a port left to the service is then picked anew)");
            }
            throw new ConflictException("machine-name-taken", "a machine named like one of " + machines.get(0).name()
                    + " .. " + machines.get(machines.size() - 1).name() + " was created by a concurrent request;"
                    + " choose another machineNamePrefix or delete that machine");
        }
        Stream.of(rows, disks, attachments).flatMap(List::stream)
                .forEach(row -> publisher.publishEvent(ResourceChangeListener.created((BaseEntity) row)));
        return rows;
    }

    /** 409 {@code machine-name-taken} naming the machines that already have one of these names. */
    public void requireNamesFree(Collection<String> names) {
        List<String> taken = new ArrayList<>(named.queryForList("SELECT name FROM machines WHERE name IN (:names)",
                Map.of("names", names), String.class));
        if (!taken.isEmpty()) {
            taken.sort(NaturalOrder.NAMES);
            throw new ConflictException("machine-name-taken", "machines named " + taken
                    + " already exist; choose another machineNamePrefix or delete those machines");
        }
    }

    private void insertMachines(List<Machine> rows) {
        jdbc.batchUpdate("INSERT INTO machines (id, name, description, cpus, memory_mb, state, network_mode,"
                + " network_outbound, cloud_init_enabled, cloud_init_user_data, cloud_init_network_config, node,"
                + " created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                rows.stream().map(m -> new Object[] {m.getId(), m.getName(), m.getDescription(), m.getCpus(),
                        m.getMemoryMb(), m.getState().name(), m.getNetworkMode().apiName(), m.isNetworkOutbound(),
                        m.cloudInit().enabled(), m.cloudInit().userData(), m.cloudInit().networkConfig(), m.getNode(),
                        m.getCreatedAt(), m.getUpdatedAt()}).toList());
        List<Object[]> metaData = new ArrayList<>();
        for (Machine m : rows) {
            m.cloudInit().metaData().forEach((key, value) -> metaData.add(new Object[] {m.getId(), key, value}));
        }
        if (!metaData.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO machine_cloud_init_meta_data (machine_id, meta_key, meta_value)"
                    + " VALUES (?, ?, ?)", metaData);
        }
    }

    private void insertDisks(List<Image> disks) {
        jdbc.batchUpdate("INSERT INTO images (id, name, description, format, variant, type, size_bytes, parent_id,"
                + " auto_reset, state, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                disks.stream().map(d -> new Object[] {d.getId(), d.getName(), d.getDescription(), d.getFormat(),
                        d.getVariant(), d.getType().name(), d.getSizeBytes(), d.getParentId(), d.isAutoReset(),
                        d.getState().name(), d.getCreatedAt(), d.getUpdatedAt()}).toList());
    }

    private void insertAttachments(List<Attachment> attachments) {
        jdbc.batchUpdate("INSERT INTO attachments (id, machine_id, port, device, mode, image_id, medium_id,"
                + " exclusive_image_id, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                attachments.stream().map(a -> new Object[] {a.getId(), a.getMachineId(), a.getPort(), a.getDevice(),
                        a.getMode().name(), a.getImageId(), a.getMediumId(), a.getExclusiveImageId(),
                        a.getCreatedAt(), a.getUpdatedAt()}).toList());
    }
}
