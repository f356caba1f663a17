package dev.diskfleet.nbd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's X.509 credentials, read from a folder laid out as QEMU's {@code tls-creds-x509} object
 * (and {@code qemu-nbd --tls-creds}) expects one: {@code ca-cert.pem} (the authority that signs client
 * certificates), {@code server-cert.pem} (the server's certificate, then any intermediates) and
 * {@code server-key.pem} (its private key, PKCS #8 or an RSA PKCS #1 key, unencrypted).
 *
 * <p>With {@code verifyPeer}, as QEMU's default, a client must show a certificate signed by the CA: the key
 * files are what lets a client in, not the knowledge of a port.
 */
public final class TlsCredentials {

    public static final String CA_CERT = "ca-cert.pem";
    public static final String SERVER_CERT = "server-cert.pem";
    public static final String SERVER_KEY = "server-key.pem";

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private final SSLContext context;
    private final boolean verifyPeer;

    private TlsCredentials(SSLContext context, boolean verifyPeer) {
        this.context = context;
        this.verifyPeer = verifyPeer;
    }

    /** @throws IllegalArgumentException naming the file that is missing or unreadable, and why */
    public static TlsCredentials load(Path folder, boolean verifyPeer) {
        try {
            Collection<? extends Certificate> chain = certificates(folder.resolve(SERVER_CERT));
            PrivateKey key = privateKey(folder.resolve(SERVER_KEY));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, new char[0], chain.toArray(Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);

            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int n = 0;
            for (Certificate ca : certificates(folder.resolve(CA_CERT))) {
                trusted.setCertificateEntry("ca-" + n++, ca);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return new TlsCredentials(context, verifyPeer);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("NBD TLS: " + e.getFile() + " is missing; the folder needs "
                    + CA_CERT + ", " + SERVER_CERT + " and " + SERVER_KEY + " (PEM)", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("NBD TLS: cannot read the credentials in " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    /** A server-side engine for one client, TLS 1.2 or 1.3 only. */
    SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        engine.setNeedClientAuth(verifyPeer);
        return engine;
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException,
            GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException(file + " holds no certificate");
            }
            return certificates;
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher pem = PEM.matcher(Files.readString(file));
        while (pem.find()) {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
            switch (pem.group(1)) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(RsaKeys.pkcs1ToPkcs8(der), file);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new GeneralSecurityException(file + " is encrypted; store the"
                        + " key unencrypted with mode 0600 (openssl pkcs8 -topk8 -nocrypt)");
                default -> {
                    // Parameters (EC PARAMETERS) or other blocks before the key.
                }
            }
        }
        throw new GeneralSecurityException(file + " holds no PRIVATE KEY or RSA PRIVATE KEY block"
                + " (convert other keys with openssl pkcs8 -topk8 -nocrypt)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this algorithm: PKCS #8 names its own, but the JDK wants one picked first.
            }
        }
        throw new GeneralSecurityException(file + " holds a key of none of the algorithms " + KEY_ALGORITHMS);
    }

    /** Wraps an RSA key in PKCS #1 form (OpenSSL's and certtool's traditional output) into PKCS #8. */
    private static final class RsaKeys {

        /** SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }. */
        private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

        static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
            byte[] version = {0x02, 0x01, 0x00};
            byte[] octets = tlv(0x04, pkcs1);
            byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
            System.arraycopy(version, 0, body, 0, version.length);
            System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
            System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
            return tlv(0x30, body);
        }

        /** DER tag, length (short or long form) and value. */
        private static byte[] tlv(int tag, byte[] value) {
            int n = value.length;
            byte[] length = n < 0x80 ? new byte[] {(byte) n}
                    : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                    : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                    : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
            byte[] out = new byte[1 + length.length + n];
            out[0] = (byte) tag;
            System.arraycopy(length, 0, out, 1, length.length);
            System.arraycopy(value, 0, out, 1 + length.length, n);
            return out;
        }
    }
}
