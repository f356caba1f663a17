package dev.diskfleet.api.security;

import dev.diskfleet.domain.token.TokenSecret;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * The secret of the service's own startup warm-up ({@code api.warmup}): made at random when the warm-up
 * begins, valid only until it ends, never written anywhere. Only its SHA-256 is kept, as for the bootstrap
 * admin. It authenticates as {@link dev.diskfleet.domain.audit.Actor.Kind#WARM_UP}, whose requests change
 * nothing (they are built to end in 400 or 404, or to read) and are not audited.
 */
@Component
public class WarmUpCredential {

    private final SecureRandom random = new SecureRandom();
    private volatile String secretSha256;

    /** A fresh secret, valid until {@link #close()}; the previous one, if any, stops working. */
    public String open() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = "dfw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        secretSha256 = TokenSecret.sha256Hex(secret);
        return secret;
    }

    /** Ends the warm-up: no secret matches any more. */
    public void close() {
        secretSha256 = null;
    }

    /** Whether {@code presented} is the open secret; compares hashes in constant time. */
    boolean matches(String presented) {
        String expected = secretSha256;
        return expected != null && presented != null
                && TokenSecret.sameHash(TokenSecret.sha256Hex(presented), expected);
    }
}
