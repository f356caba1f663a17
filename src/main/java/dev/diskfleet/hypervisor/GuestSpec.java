package dev.diskfleet.hypervisor;

import dev.diskfleet.hypervisor.seed.NoCloudSeed;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a guest is made of.
 *
 * @param machineId the guest's identity: QEMU passes it as the SMBIOS serial number and system UUID, and an
 *     adopted process must carry it
 * @param disks in boot order: the firmware boots the first
 * @param runDirectory the machine's own folder under the data folder, for its monitor socket, pid file and
 *     console log; it is created if missing
 * @param seed the cloud-init seed the guest gets as a read-only disk after its own, or {@code null} for none
 * @param network its NIC and port forwards, or {@link GuestNetwork#NONE}
 */
public record GuestSpec(UUID machineId, String name, int cpus, int memoryMb, List<GuestDisk> disks,
        Path runDirectory, NoCloudSeed seed, GuestNetwork network) {

    /** A guest without a cloud-init seed or a network. */
    public GuestSpec(UUID machineId, String name, int cpus, int memoryMb, List<GuestDisk> disks, Path runDirectory) {
        this(machineId, name, cpus, memoryMb, disks, runDirectory, null, GuestNetwork.NONE);
    }

    /** A guest without a cloud-init seed. */
    public GuestSpec(UUID machineId, String name, int cpus, int memoryMb, List<GuestDisk> disks, Path runDirectory,
            GuestNetwork network) {
        this(machineId, name, cpus, memoryMb, disks, runDirectory, null, network);
    }

    /** A guest without a network. */
    public GuestSpec(UUID machineId, String name, int cpus, int memoryMb, List<GuestDisk> disks, Path runDirectory,
            NoCloudSeed seed) {
        this(machineId, name, cpus, memoryMb, disks, runDirectory, seed, GuestNetwork.NONE);
    }

    public GuestSpec {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(runDirectory, "runDirectory");
        Objects.requireNonNull(network, "network");
        if (cpus < 1) {
            throw new IllegalArgumentException("a guest needs at least one CPU, not " + cpus);
        }
        if (memoryMb < 16) {
            throw new IllegalArgumentException("a guest needs at least 16 MiB of memory, not " + memoryMb);
        }
        disks = List.copyOf(disks);
        network = network == null ? GuestNetwork.NONE : network;
    }
}
