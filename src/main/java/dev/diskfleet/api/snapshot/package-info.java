/**
 * {@code /api/machines/{id}/snapshots}: take, list, restore and delete snapshots.
 */
package dev.diskfleet.api.snapshot;
