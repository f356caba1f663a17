/**
 * Who may call what: the {@link dev.diskfleet.api.security.SecurityConfiguration} filter chain (bearer
 * tokens: our API tokens, the bootstrap admin, optionally JWTs from an identity provider), the role
 * table ({@link dev.diskfleet.api.security.EndpointRoles}), 401/403/429 answers as problem+json, the
 * limits on failed authentications and on refused requests without a token, and the audit filter. HTTP layer: uses Spring Security and the
 * provisioning services for tokens and audit; nothing below it depends on this package.
 */
package dev.diskfleet.api.security;
