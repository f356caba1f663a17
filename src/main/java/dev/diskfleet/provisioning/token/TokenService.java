package dev.diskfleet.provisioning.token;

import dev.diskfleet.domain.token.ApiToken;
import dev.diskfleet.domain.token.ApiTokenRepository;
import dev.diskfleet.domain.token.Role;
import dev.diskfleet.domain.token.TokenSecret;
import dev.diskfleet.domain.NotFoundException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** API tokens: issued with a fresh secret, stored as its hash, checked on every request, revoked for good. */
@Service
public class TokenService {

    private final ApiTokenRepository tokens;
    private final Clock clock;

    public TokenService(ApiTokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @Transactional
    public IssuedToken issue(String name, Role role, OffsetDateTime expiresAt) {
        UUID id = UUID.randomUUID();
        TokenSecret secret = TokenSecret.generate(id);
        ApiToken token = tokens.save(new ApiToken(id, name, role, secret.sha256(), expiresAt));
        return new IssuedToken(token, secret);
    }

    @Transactional(readOnly = true)
    public Page<ApiToken> list(Pageable pageable) {
        return tokens.findAll(pageable);
    }

    @Transactional(readOnly = true)
    public ApiToken get(UUID id) {
        return tokens.findById(id).orElseThrow(() -> new NotFoundException("token", id));
    }

    /** Revoking keeps the row (the audit log names it) and is idempotent. */
    @Transactional
    public ApiToken revoke(UUID id) {
        ApiToken token = get(id);
        token.revoke();
        return token;
    }

    /**
     * The usable token whose secret was presented, if any. The row is found by the id inside the secret,
     * then the secret's hash is compared with the stored one in constant time.
     */
    @Transactional(readOnly = true)
    public Optional<ApiToken> authenticate(String presented) {
        return TokenSecret.tokenIdOf(presented)
                .flatMap(tokens::findById)
                .filter(token -> TokenSecret.sameHash(TokenSecret.sha256Hex(presented), token.getSecretSha256()))
                .filter(token -> token.isUsableAt(OffsetDateTime.now(clock)));
    }
}
