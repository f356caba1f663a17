package dev.diskfleet.api.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.nbd.TestCertificates;
import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The service with {@code diskfleet.nbd.tcp-port} set: it requires TLS with the certificates of
 * {@code diskfleet.nbd.tls-dir} (qemu-img reads an export over TLS, plain nbdinfo is refused), does not
 * start on TCP without them, and serves plain clients only when {@code diskfleet.nbd.tls=off} says so,
 * with a warning in its log.
 */
@ExtendWith(OutputCaptureExtension.class)
class NbdOverTcpServiceTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path data;
    @TempDir
    Path pki;

    @BeforeEach
    void clients() {
        QemuTools.require("qemu-img", "nbdinfo");
    }

    @Test
    void overTcpClientsMustUseTlsAndReadTheExportThroughIt() throws IOException {
        TestCertificates certificates = TestCertificates.make(pki);
        byte[] content = randomBytes(2 * MIB);
        try (ConfigurableApplicationContext service = start("--diskfleet.nbd.tcp-port=0",
                "--diskfleet.nbd.tls-dir=" + certificates.server())) {
            JsonNode export = exportOf(api(service), content);
            URI uri = URI.create(export.path("uri").asString());
            assertThat(uri.getScheme()).isEqualTo("nbd");
            assertThat(export.path("socketPath").isNull()).isTrue();

            QemuTools.Result plain = QemuTools.run("nbdinfo", uri.toString());
            assertThat(plain.exitCode()).as(plain.output()).isNotZero();
            assertThat(plain.output()).containsIgnoringCase("TLS");

            Path copy = pki.resolve("copy.raw");
            QemuTools.qemuImg("convert", "--object", "tls-creds-x509,id=tls0,endpoint=client,dir="
                    + certificates.client(), "--image-opts", "driver=nbd,server.type=inet,server.host=127.0.0.1"
                    + ",server.port=" + uri.getPort() + ",export=" + export.path("name").asString()
                    + ",tls-creds=tls0", "-O", "raw", copy.toString());
            assertThat(Files.readAllBytes(copy)).isEqualTo(content);
        }
    }

    @Test
    void withoutCertificatesTheServiceDoesNotOpenATcpPort() {
        assertThatThrownBy(() -> start("--diskfleet.nbd.tcp-port=0").close())
                .rootCause().hasMessageContaining("diskfleet.nbd.tls-dir").hasMessageContaining("diskfleet.nbd.tls=off");
    }

    @Test
    void tlsOffServesPlainClientsWithAWarning(CapturedOutput log) {
        byte[] content = randomBytes(MIB);
        try (ConfigurableApplicationContext service = start("--diskfleet.nbd.tcp-port=0", "--diskfleet.nbd.tls=off")) {
            JsonNode export = exportOf(api(service), content);
            QemuTools.Result info = QemuTools.run("nbdinfo", "--size", export.path("uri").asString());
            assertThat(info.exitCode()).as(info.output()).isZero();
            assertThat(info.output().trim()).isEqualTo(String.valueOf(MIB));
        }
        assertThat(log.getOut()).contains("without TLS (diskfleet.nbd.tls=off)");
    }

    private static JsonNode exportOf(DiskfleetClient api, byte[] content) {
        String image = api.upload("POST", "/api/images/uploads?name=golden", BodyPublishers.ofByteArray(content),
                "Content-Type", "application/octet-stream").expect(201).json().path("id").asString();
        return api.postEmpty("/api/images/" + image + "/exports").expect(201).json();
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--diskfleet.data-dir=" + data,
                "--spring.main.banner-mode=off",
                "--diskfleet.security.admin-token=" + DiskfleetClient.TEST_ADMIN_TOKEN));
        Collections.addAll(args, extra);
        return new SpringApplicationBuilder(DiskfleetApplication.class).run(args.toArray(String[]::new));
    }

    private static DiskfleetClient api(ConfigurableApplicationContext service) {
        return new DiskfleetClient(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
