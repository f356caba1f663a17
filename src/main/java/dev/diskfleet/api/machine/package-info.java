/**
 * {@code /api/machines}: machines, their hardware and power actions.
 */
package dev.diskfleet.api.machine;
