package dev.diskfleet.provisioning.guest;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.machine.CloudInit;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.network.NetworkMode;
import dev.diskfleet.hypervisor.DiskFormat;
import dev.diskfleet.hypervisor.GuestDisk;
import dev.diskfleet.hypervisor.GuestNetwork;
import dev.diskfleet.hypervisor.GuestSpec;
import dev.diskfleet.hypervisor.seed.NoCloudSeed;
import dev.diskfleet.provisioning.export.ExportDetails;
import dev.diskfleet.provisioning.export.ExportService;
import dev.diskfleet.provisioning.network.HostPorts;
import dev.diskfleet.provisioning.network.MachineNetwork;
import dev.diskfleet.storage.ImageStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A machine's guest as the hypervisor runs it: its CPUs and memory, its network with its forwards' host
 * ports, its cloud-init seed (instance-id the machine's id, local-hostname its name, the rest from its
 * setting), and its disks in port and device order
 * (the firmware boots port 0 device 0). Each disk is the attachment's medium, the top of its chain: a
 * qcow2 top is opened by QEMU with its backing chain (the bases read-only, as QEMU opens backing files), a
 * raw file directly, a VDI chain through a writable guest export on the service's one NBD server
 * ({@link ExportService#exportGuestDisk}), closed again when the guest is gone.
 */
@Component
public class GuestSpecs {

    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final ImageStore store;
    /**
     * How long a guest's disk I/O waits for a restarted service (and its NBD server) before it fails, counted
     * from its first request that found the server gone. QEMU retries after 1, 2, 4, 8, 16, 16 ... s, so the
     * service must be back about 16 s before this ends. 60 s was too short: the service takes 35 s to start
     * on a loaded 2-core host, and a guest whose I/O fails may remount its file systems read-only; hanging
     * I/O is what a guest survives (as on an NFS hard mount).
     */
    public static final int RECONNECT_SECONDS = 300;

    private final ExportService exports;
    private final GuestRunDirectories runDirectories;

    private final HostPorts hostPorts;

    public GuestSpecs(AttachmentRepository attachments, ImageRepository images, ImageStore store,
            ExportService exports, GuestRunDirectories runDirectories, HostPorts hostPorts) {
        this.hostPorts = hostPorts;
        this.attachments = attachments;
        this.images = images;
        this.store = store;
        this.exports = exports;
        this.runDirectories = runDirectories;
    }

    /**
     * The guest of {@code machine}; VDI disks are exported as a side effect. Every medium's open handle in
     * the store is released first: QEMU changes the file from now on, and a handle kept open would hold
     * stale block tables. When the driver opens no disks ({@code opensDisks} false: the {@code none}
     * driver), the guest is given none and nothing is exported: nothing would read them.
     */
    public GuestSpec of(Machine machine, boolean opensDisks) {
        List<GuestDisk> disks = new ArrayList<>();
        if (opensDisks) {
            List<Attachment> all = attachments.findByMachineIdOrderByPortAscDeviceAsc(machine.getId());
            for (Attachment attachment : all) {
                exports.requireShareableWithGuest(machine.getId(), attachment.getId(),
                        !medium(attachment).getFormat().equals("vdi"));
            }
            for (Attachment attachment : all) {
                disks.add(disk(machine, attachment));
            }
        }
        return new GuestSpec(machine.getId(), machine.getName(), machine.getCpus(), machine.getMemoryMb(), disks,
                runDirectories.of(machine.getId()), seed(machine), network(machine));
    }

    /** The machine's NoCloud seed: its id and name, and its own cloud-init setting; none if that is off. */
    private static NoCloudSeed seed(Machine machine) {
        CloudInit cloudInit = machine.cloudInit();
        if (!cloudInit.enabled()) {
            return null;
        }
        return new NoCloudSeed(machine.getId().toString(), machine.getName(), cloudInit.metaData(),
                cloudInit.userData(), cloudInit.networkConfig());
    }

    private GuestNetwork network(Machine machine) {
        if (machine.getNetworkMode() == NetworkMode.NONE) {
            return GuestNetwork.NONE;
        }
        MachineNetwork network = hostPorts.networkOf(machine.getId(), machine.getNetworkMode(),
                machine.isNetworkOutbound());
        return new GuestNetwork(GuestNetwork.Mode.USER, network.outbound(), network.forwards().stream()
                .map(forward -> new GuestNetwork.Forward(GuestNetwork.Protocol.valueOf(
                        forward.protocol().toUpperCase(java.util.Locale.ROOT)), forward.hostAddress(),
                        forward.hostPort(), forward.guestPort()))
                .toList());
    }

    /** Re-exports the VDI disks of a guest adopted after a restart, under the names it knows them by. */
    public void reexport(UUID machineId) {
        for (Attachment attachment : attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId)) {
            if (medium(attachment).getFormat().equals("vdi")) {
                exports.exportGuestDisk(machineId, attachment.getId());
            }
        }
    }

    /** After the guest: its exports end and the store reads its files afresh. */
    public void released(UUID machineId) {
        exports.closeGuestExports(machineId);
        for (Attachment attachment : attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId)) {
            store.release(attachment.getMediumId());
        }
    }

    private GuestDisk disk(Machine machine, Attachment attachment) {
        Image medium = medium(attachment);
        UUID mediumId = medium.getId();
        return switch (medium.getFormat()) {
            case "qcow2" -> {
                store.release(mediumId);
                yield new GuestDisk.ImageFile(store.fileForHypervisor(mediumId), DiskFormat.QCOW2, false);
            }
            case "raw" -> {
                store.release(mediumId);
                yield new GuestDisk.ImageFile(store.fileForHypervisor(mediumId), DiskFormat.RAW, false);
            }
            case "vdi" -> {
                ExportDetails export = exports.exportGuestDisk(machine.getId(), attachment.getId());
                yield new GuestDisk.NbdExport(Path.of(export.socketPath()), export.name(), RECONNECT_SECONDS, false);
            }
            default -> throw new ConflictException("unsupported-disk-format", "cannot boot machine "
                    + machine.label() + ": its disk at " + attachment.slot() + " is a " + medium.getFormat()
                    + " image, which no guest can open");
        };
    }

    private Image medium(Attachment attachment) {
        return images.findById(attachment.getMediumId()).orElseThrow();
    }
}
