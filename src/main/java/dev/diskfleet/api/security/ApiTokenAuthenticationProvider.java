package dev.diskfleet.api.security;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.domain.token.ApiToken;
import dev.diskfleet.domain.token.Role;
import dev.diskfleet.provisioning.token.BootstrapAdmin;
import dev.diskfleet.provisioning.token.TokenService;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Bearer secrets that are ours: the bootstrap admin's, an API token from {@code /api/tokens}, or the startup
 * warm-up's while it runs ({@link WarmUpCredential}).
 */
class ApiTokenAuthenticationProvider implements AuthenticationProvider {

    private final BootstrapAdmin bootstrapAdmin;
    private final TokenService tokens;
    private final WarmUpCredential warmUp;

    ApiTokenAuthenticationProvider(BootstrapAdmin bootstrapAdmin, TokenService tokens, WarmUpCredential warmUp) {
        this.bootstrapAdmin = bootstrapAdmin;
        this.tokens = tokens;
        this.warmUp = warmUp;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String presented = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (bootstrapAdmin.matches(presented)) {
            return new DiskfleetAuthentication(new Actor(Actor.Kind.BOOTSTRAP, BootstrapAdmin.PRINCIPAL, null),
                    Role.ADMIN);
        }
        if (warmUp.matches(presented)) {
            return new DiskfleetAuthentication(Actor.WARM_UP, Role.ADMIN);
        }
        Optional<ApiToken> token = tokens.authenticate(presented);
        if (token.isEmpty()) {
            // One message for unknown, wrong, expired and revoked: the answer must not tell which.
            throw new InvalidBearerTokenException("the bearer token is unknown, expired or revoked");
        }
        ApiToken t = token.get();
        return new DiskfleetAuthentication(new Actor(Actor.Kind.TOKEN, t.getName(), t.getId()), t.getRole());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
