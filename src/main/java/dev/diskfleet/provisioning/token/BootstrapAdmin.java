package dev.diskfleet.provisioning.token;

import dev.diskfleet.domain.token.TokenSecret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The first admin, so a fresh install can issue its own tokens. Its secret comes from
 * {@code diskfleet.security.admin-token} ({@code DISKFLEET_ADMIN_TOKEN}) or, without one, from
 * {@code <data dir>/admin-token}, generated at the first start. The file is created with mode 0600
 * before the secret is written, so the secret is never readable by others, not even for a moment; the
 * log names the file, never the secret. Only the secret's SHA-256 stays in memory.
 */
@Component
public class BootstrapAdmin {

    public static final String PRINCIPAL = "bootstrap-admin";
    static final String FILE_NAME = "admin-token";
    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
    private static final int RECOMMENDED_LENGTH = 32;

    private final String secretSha256;

    public BootstrapAdmin(@Value("${diskfleet.security.admin-token:}") String configured,
            @Value("${diskfleet.data-dir}") Path dataDir) {
        this.secretSha256 = TokenSecret.sha256Hex(configured.isBlank() ? fromFile(dataDir.resolve(FILE_NAME)) : configured);
        if (!configured.isBlank()) {
            log.info("bootstrap admin: the token is taken from DISKFLEET_ADMIN_TOKEN / diskfleet.security.admin-token");
            if (configured.length() < RECOMMENDED_LENGTH) {
                log.warn("bootstrap admin: the configured token has fewer than {} characters; use a long random one",
                        RECOMMENDED_LENGTH);
            }
        }
    }

    /** Whether {@code presented} is the admin secret; compares hashes in constant time. */
    public boolean matches(String presented) {
        return presented != null && TokenSecret.sameHash(TokenSecret.sha256Hex(presented), secretSha256);
    }

    private static String fromFile(Path file) {
        try {
            if (Files.exists(file)) {
                log.info("bootstrap admin: the token is read from {}", file.toAbsolutePath());
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            String secret = generate();
            write(file, secret);
            log.info("bootstrap admin: a new token was written to {} (mode 0600); use it with: export TOKEN=$(cat {})",
                    file.toAbsolutePath(), file.toAbsolutePath());
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token file " + file.toAbsolutePath(), e);
        }
    }

    private static void write(Path file, String secret) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
            file.toFile().setReadable(false, false);
            file.toFile().setWritable(false, false);
            file.toFile().setReadable(true, true);
            file.toFile().setWritable(true, true);
        } catch (FileAlreadyExistsException raced) {
            throw new IOException("another process created " + file + " at the same time; restart the service", raced);
        }
        Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
    }

    private static String generate() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return "dfa_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
