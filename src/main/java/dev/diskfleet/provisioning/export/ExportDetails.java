package dev.diskfleet.provisioning.export;

import java.time.Instant;
import java.util.UUID;

/**
 * An export as clients see it. {@code uri} opens it ({@code nbd+unix:///NAME?socket=PATH}, or
 * {@code nbd://127.0.0.1:PORT/NAME} on TCP); {@code socketPath} is null on TCP. {@code name} and
 * {@code uri} are null except in the answer to the request that made a user's export (and for a guest's
 * own export, whose name is not a secret). {@code imageId} is the
 * image served (for a machine disk, the machine's medium, the top of its chain). {@code guest} marks an
 * export a running guest boots from: only stopping the guest removes it.
 */
public record ExportDetails(UUID id, String name, String uri, String socketPath, boolean writable, UUID imageId,
        UUID machineId, UUID attachmentId, boolean guest, long sizeBytes, int clients, long bytesRead,
        long bytesWritten, Instant createdAt) {
}
