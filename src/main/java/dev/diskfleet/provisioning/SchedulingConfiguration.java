package dev.diskfleet.provisioning;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on {@code @Scheduled} housekeeping (the idempotency purge). */
@Configuration
@EnableScheduling
public class SchedulingConfiguration {
}
