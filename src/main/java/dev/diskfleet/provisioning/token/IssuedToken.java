package dev.diskfleet.provisioning.token;

import dev.diskfleet.domain.token.ApiToken;
import dev.diskfleet.domain.token.TokenSecret;

/** A token just made, with the one copy of its secret the service will ever hold. */
public record IssuedToken(ApiToken token, TokenSecret secret) {
}
