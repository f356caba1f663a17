/**
 * {@code /api/storage}: the storage root as the registry sees it (orphan files).
 */
package dev.diskfleet.api.storage;
