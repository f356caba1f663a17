/**
 * An NBD server over the storage engine: exports (a name and a {@link dev.diskfleet.nbd.BlockDevice})
 * served on a Unix socket or loopback TCP to any NBD client (qemu-img, qemu-io, QEMU, nbdcopy, nbdinfo).
 *
 * <p>Follows the Network Block Device protocol, {@code doc/proto.md} in the repository
 * NetworkBlockDevice/nbd (read at commit 89ba7b53): the fixed newstyle handshake, options GO, INFO,
 * EXPORT_NAME, LIST, ABORT, STARTTLS, STRUCTURED_REPLY, LIST/SET_META_CONTEXT ({@code base:allocation}
 * only), commands READ, WRITE (FUA), FLUSH, DISC, TRIM, WRITE_ZEROES and BLOCK_STATUS.
 *
 * <p>Who gets in: the Unix socket's mode (0600) keeps other users out. A loopback TCP port does not, so
 * there exports are not listed, TLS with X.509 credentials ({@link dev.diskfleet.nbd.TlsCredentials}, the
 * JDK's {@code SSLEngine}) is required when configured, and an export's name is the secret its caller was
 * given. On both, {@link dev.diskfleet.nbd.ConnectionLimits} bound the handshake's length and the
 * connections held in total and per client.
 *
 * <p>Plain Java: may use {@code dev.diskfleet.storage} and the JDK, nothing of Spring, JPA or jakarta.
 */
package dev.diskfleet.nbd;
