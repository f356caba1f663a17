/**
 * An NBD server over the storage engine: exports (a name and a {@link dev.diskfleet.nbd.BlockDevice})
 * served on a Unix socket or loopback TCP to any NBD client (qemu-img, qemu-io, QEMU, nbdcopy, nbdinfo).
 *
 * <p>Follows the Network Block Device protocol, {@code doc/proto.md} in the repository
 * NetworkBlockDevice/nbd (read at commit 89ba7b53): the fixed newstyle handshake, options GO, INFO,
 * EXPORT_NAME, LIST, ABORT, STRUCTURED_REPLY, LIST/SET_META_CONTEXT ({@code base:allocation} only),
 * commands READ, WRITE (FUA), FLUSH, DISC, TRIM, WRITE_ZEROES and BLOCK_STATUS. No TLS: the socket's
 * permissions and loopback keep other users out.
 *
 * <p>Plain Java: may use {@code dev.diskfleet.storage} and the JDK, nothing of Spring, JPA or jakarta.
 */
package dev.diskfleet.nbd;
