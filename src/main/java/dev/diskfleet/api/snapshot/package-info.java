/**
 * {@code /api/machines/{id}/snapshots}: take, list, restore and delete snapshots. Uses
 * {@code provisioning.snapshot}, the snapshot domain types and api.web.
 */
package dev.diskfleet.api.snapshot;
