package dev.diskfleet.api.security;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.domain.token.Role;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated caller: who (an {@link Actor}) and with which role. The secret is not kept.
 * {@link #getName()} is unique across kinds of caller ({@code token:<id>}, {@code jwt:<sub>},
 * {@code bootstrap-admin}), so it can scope per-caller state such as idempotency keys.
 */
public final class DiskfleetAuthentication extends AbstractAuthenticationToken {

    private final Actor actor;
    private final Role role;

    public DiskfleetAuthentication(Actor actor, Role role) {
        super(role == null ? List.of() : List.of(new SimpleGrantedAuthority("ROLE_" + role.name())));
        this.actor = actor;
        this.role = role;
        setAuthenticated(true);
    }

    public Actor actor() {
        return actor;
    }

    /** Empty for a JWT that carries no known role: such a caller is authenticated but may do nothing. */
    public Optional<Role> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public Object getPrincipal() {
        return actor;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public String getName() {
        return switch (actor.kind()) {
            case TOKEN -> "token:" + actor.tokenId();
            case JWT -> "jwt:" + actor.name();
            case BOOTSTRAP, WARM_UP, ANONYMOUS -> actor.name();
        };
    }
}
