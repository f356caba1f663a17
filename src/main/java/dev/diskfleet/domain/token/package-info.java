/**
 * API tokens: the {@link dev.diskfleet.domain.token.ApiToken} entity and its repository, the three
 * {@link dev.diskfleet.domain.token.Role}s, and the secret's format and hash ({@link
 * dev.diskfleet.domain.token.TokenSecret}). JPA and plain Java only: no HTTP, no Spring Security.
 */
package dev.diskfleet.domain.token;
