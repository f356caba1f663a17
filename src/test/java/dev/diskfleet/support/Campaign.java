package dev.diskfleet.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A slow scenario that a faster test of the default build also covers from another side (a guest booted
 * by the driver alone, where a service-level guest suite boots the same through the API). The default
 * build leaves it out, to stay within its time; {@code mvn -B -Pcampaigns verify} runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("campaign")
public @interface Campaign {
}
