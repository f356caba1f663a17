/**
 * {@code /api/storage}: the storage root as the registry sees it (orphan files). Uses
 * {@code provisioning.image}.
 */
package dev.diskfleet.api.storage;
