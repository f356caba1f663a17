package dev.diskfleet.provisioning.event;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The default {@link ConsoleLogs}: the run directory the QEMU driver writes each guest's console into. */
@Configuration
class ConsoleConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ConsoleLogs consoleLogs(@Value("${diskfleet.data-dir}") Path dataDir) {
        return machineId -> dataDir.resolve("guests").resolve(machineId.toString()).resolve("console.log");
    }
}
