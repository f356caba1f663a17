package dev.diskfleet.nbd;

/** One export's counters at a moment: clients connected now and bytes moved since it was added. */
public record ExportStats(String name, long size, boolean writable, int clientsConnected, long connectionsTotal,
        long bytesRead, long bytesWritten) {
}
