package dev.diskfleet.provisioning;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code diskfleet.nbd.*}: where the NBD server listens and what it lets clients do.
 *
 * @param tcpPort a loopback TCP port to listen on instead of the Unix socket (0 picks a free one)
 * @param tls {@code required} (TCP clients must start TLS with the certificates in {@code tlsDir}) or
 *     {@code off}; the Unix socket never uses TLS
 * @param tlsDir a folder laid out as QEMU's tls-creds-x509 dir: ca-cert.pem, server-cert.pem, server-key.pem
 * @param tlsVerifyPeer whether a TLS client must show a certificate signed by ca-cert.pem (QEMU's default)
 * @param handshakeTimeout how long a client may take to choose an export
 * @param maxConnections clients connected at once
 * @param maxConnectionsPerClient clients connected at once from one TCP address or one Unix user id
 */
@ConfigurationProperties("diskfleet.nbd")
public record NbdProperties(
        Integer tcpPort,
        @DefaultValue("required") TlsMode tls,
        Path tlsDir,
        @DefaultValue("true") boolean tlsVerifyPeer,
        @DefaultValue("10s") Duration handshakeTimeout,
        @DefaultValue("512") int maxConnections,
        @DefaultValue("128") int maxConnectionsPerClient) {

    public enum TlsMode {
        REQUIRED, OFF
    }
}
