package dev.diskfleet.domain.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token's secret: {@code dft_<token id, 32 hex digits>_<32 random bytes, 43 characters base64url>}.
 * The id lets the service find the one row to compare with, so a check costs one look-up and one hash
 * comparison; the 256 random bits are what makes it unguessable. Only {@link #sha256()} is stored.
 */
public record TokenSecret(UUID tokenId, String value) {

    private static final String PREFIX = "dft_";
    private static final Pattern FORMAT = Pattern.compile("dft_([0-9a-f]{32})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    public static TokenSecret generate(UUID tokenId) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String id = tokenId.toString().replace("-", "");
        return new TokenSecret(tokenId, PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    }

    /** The token id a presented secret names, if it has our format at all. */
    public static Optional<UUID> tokenIdOf(String presented) {
        Matcher m = presented == null ? null : FORMAT.matcher(presented);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        String hex = m.group(1);
        return Optional.of(new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16),
                Long.parseUnsignedLong(hex.substring(16), 16)));
    }

    public String sha256() {
        return sha256Hex(value);
    }

    /** SHA-256 of the text's UTF-8 bytes, 64 lower-case hex digits. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Compares two hashes in time that does not depend on where they differ, so response times do not
     * tell an attacker how many leading characters of a guess were right.
     */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "TokenSecret[tokenId=" + tokenId + ", value=(hidden)]";
    }
}
