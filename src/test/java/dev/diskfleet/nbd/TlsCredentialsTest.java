package dev.diskfleet.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials folder as an operator fills it: a PKCS #8 or an RSA PKCS #1 key loads, and a missing
 * file or an encrypted key is named in the message that stops the service.
 */
class TlsCredentialsTest {

    @TempDir
    Path root;

    @Test
    void aPkcs8KeyLoadsAsWellAsAPkcs1One() throws IOException {
        Path server = TestCertificates.make(root).server();
        assertThat(Files.readString(server.resolve(TlsCredentials.SERVER_KEY))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(TlsCredentials.load(server, true).newEngine().getNeedClientAuth()).isTrue();

        convertKey(server, "-nocrypt");
        assertThat(Files.readString(server.resolve(TlsCredentials.SERVER_KEY))).contains("BEGIN PRIVATE KEY");
        assertThat(TlsCredentials.load(server, false).newEngine().getNeedClientAuth()).isFalse();
    }

    @Test
    void aMissingFileIsNamed() throws IOException {
        Path server = TestCertificates.make(root).server();
        Files.delete(server.resolve(TlsCredentials.CA_CERT));
        assertThatThrownBy(() -> TlsCredentials.load(server, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(server.resolve(TlsCredentials.CA_CERT).toString()).hasMessageContaining("missing");
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheWayOut() throws IOException {
        Path server = TestCertificates.make(root).server();
        convertKey(server, "-passout", "pass:secret");
        assertThatThrownBy(() -> TlsCredentials.load(server, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encrypted").hasMessageContaining("-nocrypt");
    }

    private static void convertKey(Path server, String... how) throws IOException {
        Path key = server.resolve(TlsCredentials.SERVER_KEY);
        Path converted = server.resolve("converted.pem");
        String[] args = new String[6 + how.length];
        System.arraycopy(new String[] {"pkcs8", "-topk8", "-in", key.toString(), "-out", converted.toString()}, 0,
                args, 0, 6);
        System.arraycopy(how, 0, args, 6, how.length);
        QemuTools.Result result = QemuTools.run("openssl", args);
        assertThat(result.exitCode()).as(result.output()).isZero();
        Files.move(converted, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
