package dev.diskfleet.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that needs real QEMU guests, booted under TCG. Such tests take seconds to minutes each, so Surefire
 * (`mvn test`) leaves them out and Failsafe runs them in `mvn verify`, after the fast ones.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("guest")
public @interface GuestTest {
}
