/**
 * {@code /api/machines}: machines, their hardware and power actions. Uses {@code provisioning.machine},
 * the machine domain types, api.attachment (a machine lists its disks) and api.web.
 */
package dev.diskfleet.api.machine;
