package dev.diskfleet.api.security;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.domain.token.Role;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A verified JWT as a caller: the subject names it, the role comes from one claim
 * ({@code diskfleet.security.jwt.role-claim}, default {@code diskfleet_role}) holding viewer, operator or
 * admin. A token without a known role is authenticated but allowed nothing (403 everywhere).
 */
class JwtRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String roleClaim;

    JwtRoles(String roleClaim) {
        this.roleClaim = roleClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Object claim = jwt.getClaims().get(roleClaim);
        Role role = claim instanceof String text ? Role.parse(text).orElse(null) : null;
        return new DiskfleetAuthentication(new Actor(Actor.Kind.JWT, jwt.getSubject(), null), role);
    }
}
