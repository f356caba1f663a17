/**
 * Reading a machine's attachments, and guest disk I/O through an attachment's chain (reads) into its medium
 * (writes), under the machine's guest-I/O lock.
 */
package dev.diskfleet.provisioning.attachment;
