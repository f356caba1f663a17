package dev.diskfleet.provisioning;

import dev.diskfleet.nbd.Endpoint;
import dev.diskfleet.nbd.Exports;
import dev.diskfleet.nbd.NbdServer;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/**
 * Wires the plain-Java NBD server into Spring: one {@link Exports} registry and one {@link NbdServer}, on
 * the Unix socket {@code <storage root>/nbd.sock} (mode 0600, so other local users stay out) or, when
 * {@code diskfleet.nbd.tcp-port} is set, on that loopback TCP port (0 picks a free one).
 */
@Configuration
public class NbdConfiguration {

    @Bean
    Exports nbdExports() {
        return new Exports();
    }

    @Bean
    Endpoint nbdEndpoint(@Value("${diskfleet.storage.root}") Path storageRoot,
            @Value("${diskfleet.nbd.tcp-port:#{null}}") Integer tcpPort) {
        return tcpPort == null ? Endpoint.unixSocket(storageRoot.resolve("nbd.sock")) : Endpoint.loopbackTcp(tcpPort);
    }

    /**
     * Depends on the image store so that it is closed first at shutdown: its clients are dropped while the
     * files they read and write are still open.
     */
    @Bean(destroyMethod = "close")
    @DependsOn("imageStore")
    NbdServer nbdServer(Exports exports, Endpoint endpoint) {
        return NbdServer.start(exports, endpoint);
    }
}
