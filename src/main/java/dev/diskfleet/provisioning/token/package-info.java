/**
 * Issuing, listing, revoking and checking API tokens ({@link dev.diskfleet.provisioning.token.TokenService}),
 * and the first admin's token from the environment or the data folder
 * ({@link dev.diskfleet.provisioning.token.BootstrapAdmin}). Uses domain.token and Spring's
 * transactions; no HTTP types, no Spring Security: the HTTP layer turns these answers into authentications.
 */
package dev.diskfleet.provisioning.token;
