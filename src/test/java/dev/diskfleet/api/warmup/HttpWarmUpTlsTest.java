package dev.diskfleet.api.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The warm-up sends plain HTTP, so it must stay off whenever the server is set up for TLS, however that is said. */
class HttpWarmUpTlsTest {

    @Test
    void noSslSettingsMeansPlainHttp() {
        assertThat(HttpWarmUp.servesTls(new MockEnvironment())).isFalse();
    }

    @Test
    void aBundleOrAKeyStoreAloneTurnsTlsOn() {
        assertThat(HttpWarmUp.servesTls(new MockEnvironment().withProperty("server.ssl.bundle", "web"))).isTrue();
        assertThat(HttpWarmUp.servesTls(new MockEnvironment().withProperty("server.ssl.key-store", "classpath:k.p12")))
                .isTrue();
        assertThat(HttpWarmUp.servesTls(new MockEnvironment().withProperty("server.ssl.enabled", "true"))).isTrue();
    }

    @Test
    void settingsSwitchedOffMeanPlainHttp() {
        assertThat(HttpWarmUp.servesTls(new MockEnvironment().withProperty("server.ssl.bundle", "web")
                .withProperty("server.ssl.enabled", "false"))).isFalse();
    }
}
