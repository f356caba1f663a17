package dev.diskfleet.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The warm-up's secret works only while the warm-up runs, and each run has a new one. */
class WarmUpCredentialTest {

    private final WarmUpCredential credential = new WarmUpCredential();

    @Test
    void noSecretMatchesBeforeTheWarmUpOpensOne() {
        assertThat(credential.matches("dfw_anything")).isFalse();
        assertThat(credential.matches(null)).isFalse();
    }

    @Test
    void theOpenSecretMatchesUntilItIsClosed() {
        String secret = credential.open();

        assertThat(secret).startsWith("dfw_").hasSizeGreaterThan(40);
        assertThat(credential.matches(secret)).isTrue();
        assertThat(credential.matches(secret + "x")).isFalse();
        credential.close();
        assertThat(credential.matches(secret)).isFalse();
    }

    @Test
    void aNewRunHasANewSecretAndTheOldOneStopsWorking() {
        String first = credential.open();
        String second = credential.open();

        assertThat(second).isNotEqualTo(first);
        assertThat(credential.matches(first)).isFalse();
        assertThat(credential.matches(second)).isTrue();
    }
}
