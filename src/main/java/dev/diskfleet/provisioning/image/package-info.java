/**
 * Images in and out: blank images, streamed uploads, clones (as operations), patches, deletes, downloads and
 * the startup match of rows and files. The only code that publishes or removes image files for image rows.
 */
package dev.diskfleet.provisioning.image;
