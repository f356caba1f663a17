package dev.diskfleet.provisioning;

import dev.diskfleet.nbd.ConnectionLimits;
import dev.diskfleet.nbd.Endpoint;
import dev.diskfleet.nbd.Exports;
import dev.diskfleet.nbd.NbdServer;
import dev.diskfleet.nbd.TlsCredentials;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/**
 * Wires the plain-Java NBD server into Spring: one {@link Exports} registry and one {@link NbdServer}, on
 * the Unix socket {@code <storage root>/nbd.sock} (mode 0600, so other local users stay out) or, when
 * {@code diskfleet.nbd.tcp-port} is set, on that loopback TCP port (0 picks a free one), where TLS is
 * required unless {@code diskfleet.nbd.tls=off}.
 */
@Configuration
@EnableConfigurationProperties(NbdProperties.class)
public class NbdConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(NbdConfiguration.class);

    @Bean
    Exports nbdExports() {
        return new Exports();
    }

    @Bean
    Endpoint nbdEndpoint(@Value("${diskfleet.storage.root}") Path storageRoot, NbdProperties nbd) {
        return nbd.tcpPort() == null ? Endpoint.unixSocket(storageRoot.resolve("nbd.sock"))
                : Endpoint.loopbackTcp(nbd.tcpPort());
    }

    /**
     * Depends on the image store so that it is closed first at shutdown: its clients are dropped while the
     * files they read and write are still open.
     */
    @Bean(destroyMethod = "close")
    @DependsOn("imageStore")
    NbdServer nbdServer(Exports exports, Endpoint endpoint, NbdProperties nbd) {
        ConnectionLimits limits = new ConnectionLimits(nbd.handshakeTimeout(), nbd.maxConnections(),
                nbd.maxConnectionsPerClient());
        return NbdServer.start(exports, endpoint, limits, tls(endpoint, nbd));
    }

    /** TLS on TCP only: the Unix socket's mode already keeps other users out. */
    private static Optional<TlsCredentials> tls(Endpoint endpoint, NbdProperties nbd) {
        if (!(endpoint instanceof Endpoint.LoopbackTcp)) {
            return Optional.empty();
        }
        if (nbd.tls() == NbdProperties.TlsMode.OFF) {
            LOG.warn("NBD on TCP port {} without TLS (diskfleet.nbd.tls=off): any local user who learns an export's"
                    + " name can read it, and write it if it is writable, and can watch its traffic", nbd.tcpPort());
            return Optional.empty();
        }
        if (nbd.tlsDir() == null) {
            throw new IllegalStateException("diskfleet.nbd.tcp-port is set, so NBD clients must use TLS: set"
                    + " diskfleet.nbd.tls-dir to a folder with " + TlsCredentials.CA_CERT + ", "
                    + TlsCredentials.SERVER_CERT + " and " + TlsCredentials.SERVER_KEY
                    + " (as for QEMU's tls-creds-x509), or set diskfleet.nbd.tls=off to accept plain clients");
        }
        return Optional.of(TlsCredentials.load(nbd.tlsDir(), nbd.tlsVerifyPeer()));
    }
}
