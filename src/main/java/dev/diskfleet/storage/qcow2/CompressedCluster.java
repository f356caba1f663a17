package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.ImageFormatException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates one compressed cluster: raw deflate (no zlib header), as QEMU writes with compression type
 * zlib. The input is bounded by the span the entry declares (at most two clusters) and the end of the
 * file; the output by one cluster, which it must fill exactly (QEMU's {@code qcow2_decompress}).
 */
final class CompressedCluster {

    private CompressedCluster() {
    }

    static ByteBuffer inflate(HostFile host, ClusterGeometry g, long entry) {
        long offset = g.compressedOffset(entry);
        long available = Math.min(g.compressedSpan(entry), host.length() - offset);
        if (available <= 0) {
            throw new ImageFormatException("qcow2", host.name(), host.name() + ": compressed cluster data at offset " + offset
                    + " lies past the end of the file");
        }
        byte[] input = new byte[(int) available];
        host.read(ByteBuffer.wrap(input), offset);
        byte[] output = new byte[g.clusterSize()];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(input);
            int filled = 0;
            int idle = 0;
            // Each round either fills bytes or counts as idle; a stream that stops producing ends the loop.
            while (filled < output.length && idle < 3) {
                int n = inflater.inflate(output, filled, output.length - filled);
                filled += n;
                idle = n == 0 ? idle + 1 : 0;
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            if (filled < output.length) {
                throw new ImageFormatException("qcow2", host.name(), host.name() + ": compressed cluster at offset " + offset
                        + " inflates to " + filled + " bytes, expected " + output.length);
            }
            return ByteBuffer.wrap(output);
        } catch (DataFormatException e) {
            throw new ImageFormatException("qcow2", host.name(), host.name() + ": compressed cluster at offset " + offset
                    + " is not valid deflate data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }
}
