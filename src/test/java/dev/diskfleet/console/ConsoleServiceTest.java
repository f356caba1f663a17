package dev.diskfleet.console;

import dev.diskfleet.support.TemporaryDataDir;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole service on a random port with a known admin token, a short event heartbeat and census interval,
 * in a fresh data folder. Classes carrying exactly this annotation share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "diskfleet.security.admin-token=" + ConsoleServiceTest.ADMIN_TOKEN,
    "diskfleet.events.heartbeat=300ms",
    "diskfleet.metrics.census-interval=0s",
    // below the ephemeral ports, so that a start's probe of its forwards finds them free
    "diskfleet.network.host-ports=23100-23199"})
@ContextConfiguration(initializers = TemporaryDataDir.class)
@interface ConsoleServiceTest {

    String ADMIN_TOKEN = "test-console-admin-secret-0123456789abcdef";
}
