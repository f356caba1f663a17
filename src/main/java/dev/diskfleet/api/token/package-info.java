/**
 * {@code /api/tokens}: issue (the secret is in that one answer only), list (never a secret or hash), get
 * and revoke API tokens. HTTP layer: calls provisioning.token; admin only (see api.security).
 */
package dev.diskfleet.api.token;
