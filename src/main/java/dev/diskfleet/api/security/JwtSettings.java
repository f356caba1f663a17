package dev.diskfleet.api.security;

import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * The optional identity-provider path: on only when {@code diskfleet.security.jwt.issuer-uri} or
 * {@code .jwk-set-uri} is set. With a key set URI the keys are fetched from it (and the issuer checked
 * when given too); with only an issuer, the issuer's OpenID configuration names the key set. Expiry and
 * not-before are always checked (Spring Security's default validators, 60 s clock skew).
 */
@Component
class JwtSettings {

    private final String issuerUri;
    private final String jwkSetUri;
    private final String roleClaim;

    JwtSettings(@Value("${diskfleet.security.jwt.issuer-uri:}") String issuerUri,
            @Value("${diskfleet.security.jwt.jwk-set-uri:}") String jwkSetUri,
            @Value("${diskfleet.security.jwt.role-claim:diskfleet_role}") String roleClaim) {
        this.issuerUri = issuerUri;
        this.jwkSetUri = jwkSetUri;
        this.roleClaim = roleClaim;
    }

    Optional<JwtDecoder> decoder() {
        if (!jwkSetUri.isBlank()) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
            if (!issuerUri.isBlank()) {
                decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(issuerUri));
            }
            return Optional.of(decoder);
        }
        if (!issuerUri.isBlank()) {
            return Optional.of(NimbusJwtDecoder.withIssuerLocation(issuerUri).build());
        }
        return Optional.empty();
    }

    JwtRoles roles() {
        return new JwtRoles(roleClaim);
    }
}
