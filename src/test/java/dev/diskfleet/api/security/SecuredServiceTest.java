package dev.diskfleet.api.security;

import dev.diskfleet.support.MovableClock;
import dev.diskfleet.support.TemporaryDataDir;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole service on a random port with a known bootstrap admin token ({@link #ADMIN_TOKEN}), its
 * database and files in a fresh temporary folder. Classes carrying exactly this annotation share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "diskfleet.security.admin-token=" + SecuredServiceTest.ADMIN_TOKEN)
@ContextConfiguration(initializers = TemporaryDataDir.class)
@Import(MovableClock.Config.class)
@interface SecuredServiceTest {

    String ADMIN_TOKEN = "test-bootstrap-admin-secret-0123456789abcdef";
}
