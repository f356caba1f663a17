/**
 * {@code /api/machines/{id}/attachments}: disks in a machine's slots, and guest disk I/O on {@code .../data}
 * (Range reads, Content-Range writes).
 */
package dev.diskfleet.api.attachment;
