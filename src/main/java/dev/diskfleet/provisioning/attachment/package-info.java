/**
 * Reading a machine's attachments, and guest disk I/O through an attachment's chain (reads) into its
 * medium (writes), under the machine's guest-I/O lock. Uses the attachment, image and machine domains and
 * storage, and the
 * hypervisor engine's word on whether a running guest holds its disks ({@code GuestHeldDisks}: a real
 * guest's disks are its own while it runs).
 */
package dev.diskfleet.provisioning.attachment;
