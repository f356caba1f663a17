package dev.diskfleet.provisioning.export;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineLocks;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.nbd.BlockDevice;
import dev.diskfleet.nbd.ChainDevice;
import dev.diskfleet.nbd.Endpoint;
import dev.diskfleet.nbd.Export;
import dev.diskfleet.nbd.ExportStats;
import dev.diskfleet.nbd.Exports;
import dev.diskfleet.nbd.NbdServer;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.attachment.GuestDiskService;
import dev.diskfleet.provisioning.attachment.GuestHeldDisks;
import dev.diskfleet.provisioning.image.ImageCatalog;
import dev.diskfleet.provisioning.image.ImageReaders;
import dev.diskfleet.provisioning.metrics.DiskfleetMeters;
import dev.diskfleet.storage.ImageStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;

/**
 * Makes, lists and closes the service's NBD exports. An image export serves the image's whole chain
 * read-only and holds the image against deletion. A machine-disk export serves the chain under an
 * attachment's medium; a writable one writes into that medium as guest writes do. Both hold the machine's
 * disks against layout changes, every request takes the guest-I/O lock, and a medium has at most one
 * writable export at a time. Exports are in memory only: none outlives the process.
 *
 * <p>A guest's own export (a VDI chain, which QEMU cannot open itself) is named after its attachment, so
 * that a guest adopted after a restart finds it again under the name it was booted with. It is not the
 * user's: it does not count as a running machine's writer for the API's rules, and the API cannot delete it.
 *
 * <p>A user's export is named with 128 random bits, and the name (and the URI holding it) is answered only
 * to the caller who made the export: on a TCP port any local user can reach, knowing the name is what lets
 * a client in (the server lists no exports there). Lists, holds, conflicts and logs name the export by its
 * id. A guest's own export is only ever on the Unix socket, whose mode keeps other users out.
 */
@Service
public class ExportService implements AutoCloseable {

    private final Exports exports;
    private final NbdServer server;
    private final Endpoint endpoint;
    private final ImageCatalog images;
    private final ImageReaders readers;
    private final GuestDiskService guestDisks;
    private final MachineRepository machines;
    private final MachineLocks locks;
    private final ImageStore store;
    private final GuestHeldDisks heldDisks;
    private final FreeSpace freeSpace;
    private final SecureRandom random = new SecureRandom();
    private final Map<UUID, ServedExport> served = new ConcurrentHashMap<>();
    /** Bytes read [0] and written [1] by exports already closed; the lock also orders closing against totals. */
    private final long[] traffic = new long[2];
    /** The writable export of each medium that has one: the medium's only writer besides HTTP PUTs. */
    private final Map<UUID, UUID> writers = new ConcurrentHashMap<>();

    public ExportService(Exports exports, NbdServer server, Endpoint endpoint, ImageCatalog images,
            ImageReaders readers, GuestDiskService guestDisks, MachineRepository machines, MachineLocks locks,
            ImageStore store, GuestHeldDisks heldDisks, FreeSpace freeSpace, DiskfleetMeters meters) {
        this.exports = exports;
        this.server = server;
        this.endpoint = endpoint;
        this.images = images;
        this.readers = readers;
        this.guestDisks = guestDisks;
        this.machines = machines;
        this.locks = locks;
        this.store = store;
        this.heldDisks = heldDisks;
        this.freeSpace = freeSpace;
        meters.nbdTraffic(this, ExportService::bytesReadTotal, ExportService::bytesWrittenTotal);
    }

    /** Serves the image's whole chain read-only; the image cannot be deleted until the export is. */
    public ExportDetails exportImage(UUID imageId) {
        Image image = images.require(imageId);
        UUID id = UUID.randomUUID();
        String name = secretName("image-");
        ImageReaders.Hold hold = readers.hold(imageId, ServedExport.label(id));
        try {
            Export export = new Export(name, "image " + image.getName() + " (" + imageId + ")",
                    new ChainDevice(store.chainForNbdExport(imageId), false));
            return publish(new ServedExport(id, export, imageId, null, null, false, false, Instant.now(),
                    hold::close));
        } catch (RuntimeException e) {
            hold.close();
            throw e;
        }
    }

    /**
     * Serves a machine's disk: the chain under the attachment's medium, writes (when {@code writable})
     * into the medium. Refused while the machine runs (its guest writes the disk) or while the medium has
     * another writable export. For the API; a guest that boots from an export uses {@link #exportGuestDisk}.
     */
    public ExportDetails exportMachineDisk(UUID machineId, UUID attachmentId, boolean writable) {
        return exportDisk(machineId, attachmentId, writable, false);
    }

    /**
     * A writable export of a machine's disk for its own guest to boot from (QEMU cannot open a VDI chain,
     * but it can open this export), named {@link #guestExportName} on a Unix socket (QEMU's NBD client is
     * given the socket). Allowed while the machine runs; replaces an earlier guest export of the same disk
     * (re-export after adoption); the API cannot delete it: call {@link #closeGuestExports} when the guest
     * stops.
     */
    public ExportDetails exportGuestDisk(UUID machineId, UUID attachmentId) {
        if (!(endpoint instanceof Endpoint.UnixSocket)) {
            throw new ConflictException("guest-disk-needs-unix-socket", "the disk " + attachmentId + " of machine "
                    + machineId + " is a VDI chain, which a guest reaches through the NBD server's Unix socket;"
                    + " the server listens on loopback TCP (diskfleet.nbd.tcp-port): unset it to boot VDI guests");
        }
        String name = guestExportName(attachmentId);
        served.values().stream().filter(e -> e.guest() && e.export().name().equals(name)).toList()
                .forEach(e -> close(e.id()));
        return exportDisk(machineId, attachmentId, true, true);
    }

    /** The name a guest knows its disk's export by: stable across restarts of the service. */
    public static String guestExportName(UUID attachmentId) {
        return "guest-" + attachmentId;
    }

    /**
     * Refuses (409) to boot a guest that opens the disk while a user's export serves it: a writable one
     * would be a second writer; and when the guest opens the file itself ({@code guestOpensFile}, qcow2 and
     * raw) even a reader would read through block tables the guest changes. Reads of a VDI chain go through
     * the guest's own export and the same locks, so read-only user exports of those may stay.
     */
    public void requireShareableWithGuest(UUID machineId, UUID attachmentId, boolean guestOpensFile) {
        List<ServedExport> blocking = served.values().stream()
                .filter(e -> !e.guest() && machineId.equals(e.machineId()) && attachmentId.equals(e.attachmentId()))
                .filter(e -> e.writable() || guestOpensFile)
                .toList();
        if (!blocking.isEmpty()) {
            throw new ConflictException("disks-exported", "cannot boot machine " + machineId + ": its disk "
                    + attachmentId + " is served by " + blocking.stream().map(ServedExport::label).toList()
                    + ", and a running guest must be the only " + (guestOpensFile ? "user" : "writer")
                    + " of it; delete the export(s) first (DELETE /api/exports/{id})");
        }
    }

    /** Closes every export made by {@link #exportGuestDisk} for the machine. */
    public void closeGuestExports(UUID machineId) {
        served.values().stream().filter(e -> e.guest() && machineId.equals(e.machineId()))
                .forEach(e -> close(e.id()));
    }

    /** Whether this node serves the export (exports live in the memory of the node that serves them). */
    public boolean serves(UUID id) {
        return served.containsKey(id);
    }

    /** As every list entry, without the name of a user's export: only its maker was given it. */
    public ExportDetails get(UUID id) {
        return details(require(id), false);
    }

    /** Every export this node serves, oldest first, without the names of users' exports. */
    public List<ExportDetails> all() {
        return served.values().stream()
                .sorted(Comparator.comparing(ServedExport::createdAt).thenComparing(ServedExport::id))
                .map(e -> details(e, false)).toList();
    }

    /** Oldest first, as other lists are paged by creation time. */
    public Page<ExportDetails> list(Pageable pageable) {
        List<ServedExport> all = served.values().stream()
                .sorted(Comparator.comparing(ServedExport::createdAt).thenComparing(ServedExport::id)).toList();
        int from = (int) Math.min(all.size(), pageable.getOffset());
        int to = (int) Math.min(all.size(), (long) from + pageable.getPageSize());
        return new PageImpl<>(all.subList(from, to).stream().map(e -> details(e, false)).toList(), pageable, all.size());
    }

    /** Closes the export: its clients are dropped, its name is gone, its holds are given back. */
    public void delete(UUID id) {
        ServedExport export = require(id);
        if (export.guest()) {
            throw new ConflictException("export-guest-owned", export.label() + " serves the running guest of"
                    + " machine " + export.machineId() + "; stop the machine to close it");
        }
        close(id);
    }

    /** At shutdown: drops every client and gives back every hold. */
    @Override
    public void close() {
        served.keySet().forEach(this::close);
    }

    private ExportDetails exportDisk(UUID machineId, UUID attachmentId, boolean writable, boolean guest) {
        // Under the guest-I/O lock no layout change is under way, and the hold taken here refuses the next.
        Lock io = locks.guestIo(machineId);
        try {
            Machine machine = machines.findById(machineId).orElseThrow(() -> new NotFoundException("machine", machineId));
            Image medium = guestDisks.medium(machineId, attachmentId, writable);
            if (writable && !guest && machine.isRunning()) {
                // The guest's own export (when it has one) holds the writer slot too, but this must not
                // depend on it: a qcow2 or raw guest writes its files without any export of ours.
                throw new ConflictException("machine-running", "machine " + machine.label() + " is running: its"
                        + " guest is the writer of its disks; export the disk read-only or stop the machine");
            }
            if (!guest && !medium.getFormat().equals("vdi")) {
                // QEMU opens qcow2 and raw files itself: as for HTTP reads, ours would see its writes half done.
                heldDisks.requireFree(machine, "export the disks of");
            }
            UUID id = UUID.randomUUID();
            String name = guest ? guestExportName(attachmentId) : secretName("disk-");
            String label = ServedExport.label(id);
            if (writable) {
                claimWriter(medium.getId(), id);
            }
            MachineLocks.DiskHold hold = locks.holdDisks(machineId, label);
            Runnable release = () -> {
                hold.close();
                writers.remove(medium.getId(), id);
            };
            try {
                BlockDevice device = new GuestIoDevice(new ChainDevice(store.chainForNbdExport(medium.getId()), writable), locks,
                        machineId);
                if (writable && !guest) {
                    device = new FreeSpaceDevice(device, freeSpace, "write into the disk " + attachmentId
                            + " of machine " + machineId + " through " + label);
                }
                Export export = new Export(name, "disk " + attachmentId + " of machine " + machine.label(), device);
                return publish(new ServedExport(id, export, medium.getId(), machineId, attachmentId, writable, guest,
                        Instant.now(), release));
            } catch (RuntimeException e) {
                release.run();
                throw e;
            }
        } finally {
            io.unlock();
        }
    }

    private void claimWriter(UUID mediumId, UUID exportId) {
        UUID other = writers.putIfAbsent(mediumId, exportId);
        if (other != null) {
            ServedExport holder = served.get(other);
            throw new ConflictException("medium-has-writer", "image " + mediumId + " already has a writer: "
                    + (holder == null ? "export " + other : holder.label()) + "; delete that export or export"
                    + " this disk read-only");
        }
    }

    /** The one answer that carries the name of a user's export: the maker's. */
    private ExportDetails publish(ServedExport export) {
        exports.add(export.export());
        served.put(export.id(), export);
        return details(export, true);
    }

    /** 128 bits from a strong random source: a TCP client cannot guess a name it was not given. */
    private String secretName(String prefix) {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return prefix + HexFormat.of().formatHex(bits);
    }

    private void close(UUID id) {
        ServedExport export;
        synchronized (traffic) {
            export = served.remove(id);
            if (export != null) {
                ExportStats stats = export.export().stats();
                traffic[0] += stats.bytesRead();
                traffic[1] += stats.bytesWritten();
            }
        }
        if (export != null) {
            exports.remove(export.export().name());
            export.release().run();
        }
    }

    /** Bytes NBD clients read from every export since the start: closed exports' and live ones'. */
    long bytesReadTotal() {
        synchronized (traffic) {
            return traffic[0] + served.values().stream().mapToLong(e -> e.export().stats().bytesRead()).sum();
        }
    }

    long bytesWrittenTotal() {
        synchronized (traffic) {
            return traffic[1] + served.values().stream().mapToLong(e -> e.export().stats().bytesWritten()).sum();
        }
    }

    private ServedExport require(UUID id) {
        ServedExport export = served.get(id);
        if (export == null) {
            throw new NotFoundException("export", id);
        }
        return export;
    }

    private ExportDetails details(ServedExport export, boolean withName) {
        ExportStats stats = export.export().stats();
        String socket = endpoint instanceof Endpoint.UnixSocket unix ? unix.path().toString() : null;
        boolean shown = withName || export.guest();
        String name = export.export().name();
        return new ExportDetails(export.id(), shown ? name : null, shown ? server.uri(name) : null, socket,
                export.writable(), export.imageId(), export.machineId(), export.attachmentId(), export.guest(),
                stats.size(), stats.clientsConnected(), stats.bytesRead(), stats.bytesWritten(), export.createdAt());
    }
}
