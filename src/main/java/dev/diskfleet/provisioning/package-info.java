/**
 * The services that change database rows and image files together, and the read services the HTTP layer
 * calls. This package holds what all features share: {@link dev.diskfleet.provisioning.DiskTransaction}
 * (rows and files commit or roll back together), {@link dev.diskfleet.provisioning.FileIntents} (intent
 * records that let startup recovery settle any file change a kill interrupted), the storage root's lock
 * ({@link dev.diskfleet.provisioning.StorageRootLockConfiguration}), the test-only
 * {@link dev.diskfleet.provisioning.CrashPoints} and the Spring wiring of the storage engine and of the NBD
 * server ({@code NbdConfiguration}). May use domain, storage and nbd, never the HTTP layer; features
 * below it may use it, it uses none of them.
 */
package dev.diskfleet.provisioning;
