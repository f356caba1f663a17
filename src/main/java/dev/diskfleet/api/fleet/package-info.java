/**
 * {@code /api/fleets}: deploy, read, scale, power and delete fleets; deployments and scaling answer 202
 * with an operation. Uses {@code provisioning.fleet}, api.operation, the fleet domain types and api.web.
 */
package dev.diskfleet.api.fleet;
