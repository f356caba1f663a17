package dev.diskfleet.provisioning.replication;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * A copy arriving from another node: digested and counted as it is read, and remembering whether the
 * stream itself failed (rather than this node's disk), so the error names the right culprit.
 */
final class ReceivedCopy extends FilterInputStream {

    private final MessageDigest sha256 = Sha256.digest();
    private long bytes;
    private IOException failure;

    ReceivedCopy(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        if (n > 0) {
            sha256.update(buffer, offset, n);
            bytes += n;
        }
        return n;
    }

    long bytes() {
        return bytes;
    }

    IOException failure() {
        return failure;
    }

    /** Once everything arrived: the bytes are exactly what the sender announced, or the copy is refused. */
    void requireMatches(PeerImages.Download sent) {
        String received = Sha256.hex(sha256.digest());
        if (sent.length() >= 0 && sent.length() != bytes) {
            throw PeerImages.failure(sent.node(), sent.imageId(), "it announced " + sent.length() + " bytes and sent "
                    + bytes + "; the copy was discarded");
        }
        if (!MessageDigest.isEqual(received.getBytes(), sent.sha256().getBytes())) {
            throw PeerImages.failure(sent.node(), sent.imageId(), "what arrived has SHA-256 " + received + ", not the "
                    + sent.sha256() + " it announced; the copy was discarded");
        }
    }
}
