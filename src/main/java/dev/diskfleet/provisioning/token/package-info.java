/**
 * Issuing, listing, revoking and checking API tokens ({@link dev.diskfleet.provisioning.token.TokenService}),
 * and the first admin's token from the environment or the data folder ({@link
 * dev.diskfleet.provisioning.token.BootstrapAdmin}).
 */
package dev.diskfleet.provisioning.token;
