/**
 * Images in machine slots: the entity (image asked for, medium written), its repository, VirtualBox's attach
 * rules and disk byte ranges. Answers the image feature's usage questions; asks the snapshot feature through
 * {@link dev.diskfleet.domain.attachment.SnapshotRecords}.
 */
package dev.diskfleet.domain.attachment;
