package dev.diskfleet.provisioning.guest;

import dev.diskfleet.nbd.ChainDevice;
import dev.diskfleet.nbd.Endpoint;
import dev.diskfleet.nbd.Export;
import dev.diskfleet.nbd.Exports;
import dev.diskfleet.nbd.NbdServer;
import dev.diskfleet.storage.ImageStore;
import jakarta.annotation.PreDestroy;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The writable NBD exports through which guests reach their VDI chains (QEMU cannot open a VDI
 * differencing image), all on one server on a Unix socket in the guests' folder. The server starts with
 * the first export. When the service stops, the guests' NBD clients wait up to {@link #RECONNECT_SECONDS}
 * for the next service, which exports the disks of the guests it adopts again under the same names.
 */
@Component
public class GuestNbdExports {

    /** How long a guest's disk I/O waits for a restarted service before it fails. */
    public static final int RECONNECT_SECONDS = 60;

    private final ImageStore store;
    private final Path socket;
    private final Exports exports = new Exports();
    private NbdServer server;

    public GuestNbdExports(ImageStore store, GuestRunDirectories runDirectories) {
        this.store = store;
        this.socket = runDirectories.root().resolve("nbd.sock");
    }

    /** Exports the chain of {@code mediumId} writable (replacing an earlier export of that name); returns the socket. */
    public synchronized Path export(String name, UUID mediumId) {
        if (server == null) {
            server = NbdServer.start(exports, Endpoint.unixSocket(socket));
        }
        exports.remove(name);
        exports.add(new Export(name, "guest disk " + mediumId, new ChainDevice(store.chain(mediumId), true)));
        return socket;
    }

    /** Ends the export and drops its client (the guest is gone). */
    public synchronized void unexport(String name) {
        exports.remove(name);
    }

    public static String nameOf(UUID machineId, int port, int device) {
        return machineId + "-" + port + "-" + device;
    }

    @PreDestroy
    synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
