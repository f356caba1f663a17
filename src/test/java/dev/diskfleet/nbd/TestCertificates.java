package dev.diskfleet.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * X.509 folders made with {@code openssl}, laid out as QEMU's {@code tls-creds-x509} and libnbd's
 * {@code tls-certificates} read them: {@link #server} (ca-cert.pem, server-cert.pem, server-key.pem, the
 * key in RSA PKCS #1 form as {@code certtool} and older OpenSSL write it), {@link #client} (ca-cert.pem,
 * client-cert.pem, client-key.pem signed by the same CA) and {@link #stranger} (the same CA to check the
 * server with, but a client certificate from a CA of its own). The server certificate names 127.0.0.1 and
 * localhost, which QEMU and libnbd check against the host they connect to.
 */
public record TestCertificates(Path server, Path client, Path stranger) {

    public static TestCertificates make(Path root) throws IOException {
        QemuTools.requireOnPath("Debian package openssl", "openssl");
        Path work = Files.createDirectories(root.resolve("pki"));
        authority(work, "ca", "Diskfleet test CA");
        authority(work, "other-ca", "Someone else's CA");
        Path server = Files.createDirectories(root.resolve("server"));
        Path client = Files.createDirectories(root.resolve("client"));
        Path stranger = Files.createDirectories(root.resolve("stranger"));

        openssl("genrsa", "-traditional", "-out", server.resolve("server-key.pem"), "2048");
        signed(work, "ca", server.resolve("server-key.pem"), server.resolve("server-cert.pem"), "127.0.0.1",
                "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                        + "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
        clientFolder(work, "ca", client);
        clientFolder(work, "other-ca", stranger);
        for (Path folder : new Path[] {server, client, stranger}) {
            Files.copy(work.resolve("ca-cert.pem"), folder.resolve(TlsCredentials.CA_CERT));
        }
        return new TestCertificates(server, client, stranger);
    }

    private static void authority(Path work, String name, String subject) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + subject,
                "-keyout", work.resolve(name + "-key.pem"), "-out", work.resolve(name + "-cert.pem"),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void clientFolder(Path work, String ca, Path folder) throws IOException {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                folder.resolve("client-key.pem"));
        signed(work, ca, folder.resolve("client-key.pem"), folder.resolve("client-cert.pem"), "nbd client",
                "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                        + "extendedKeyUsage=clientAuth\n");
    }

    private static void signed(Path work, String ca, Path key, Path cert, String subject, String extensions)
            throws IOException {
        Path request = Files.createTempFile(work, "req-", ".pem");
        Path extensionFile = Files.writeString(Files.createTempFile(work, "ext-", ".cnf"), extensions);
        openssl("req", "-new", "-key", key, "-subj", "/CN=" + subject, "-out", request);
        openssl("x509", "-req", "-in", request, "-CA", work.resolve(ca + "-cert.pem"), "-CAkey",
                work.resolve(ca + "-key.pem"), "-CAcreateserial", "-days", "2", "-extfile", extensionFile,
                "-out", cert);
    }

    private static void openssl(Object... args) {
        String[] strings = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            strings[i] = args[i].toString();
        }
        QemuTools.Result result = QemuTools.run("openssl", strings);
        assertThat(result.exitCode()).as("openssl %s%n%s", String.join(" ", strings), result.output()).isZero();
    }
}
