package dev.diskfleet.provisioning;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The time the service judges expiries by (tokens), as one bean, so that a test can move it forward
 * instead of sleeping through an expiry.
 */
@Configuration
public class ClockConfiguration {

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }
}
