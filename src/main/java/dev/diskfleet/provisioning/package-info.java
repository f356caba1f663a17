/**
 * The services that change database rows and image files together, and the read services the HTTP layer
 * calls. This package holds what all features share: {@link dev.diskfleet.provisioning.DiskTransaction}
 * (rows and files commit or roll back together) and the Spring wiring of the storage engine and of the
 * NBD server ({@code NbdConfiguration}). May use domain, storage and nbd, never the HTTP layer; features
 * below it may use it, it uses none of them.
 */
package dev.diskfleet.provisioning;
