package dev.diskfleet.provisioning;

import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageLimits;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java storage component into Spring: the one place that knows both. */
@Configuration
@EnableConfigurationProperties(LimitsProperties.class)
public class StorageConfiguration {

    @Bean(destroyMethod = "close")
    ImageStore imageStore(@Value("${diskfleet.storage.root}") Path root, LimitsProperties limits) {
        // One virtual-size limit: the API's checks and the store's own (on every header it reads) agree.
        return ImageStore.withDefaultFormats(root, new StorageLimits(limits.maxVirtualSize().toBytes()));
    }
}
