/**
 * {@code /api/machines/{id}/attachments}: disks in a machine's slots, and guest disk I/O on
 * {@code .../data} (Range reads, Content-Range writes). Uses {@code provisioning.attachment},
 * {@code provisioning.machine}, the attachment domain types and api.web.
 */
package dev.diskfleet.api.attachment;
