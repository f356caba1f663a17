/**
 * {@code /api/fleets}: deploy, read, scale, power and delete fleets; deployments and scaling answer 202 with
 * an operation.
 */
package dev.diskfleet.api.fleet;
