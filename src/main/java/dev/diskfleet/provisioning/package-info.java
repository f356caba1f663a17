/**
 * The services that change database rows and image files together, and the read services the HTTP layer
 * calls. This package holds what all features share: {@link dev.diskfleet.provisioning.DiskTransaction}
 * (rows and files commit or roll back together) and the Spring wiring of the storage engine. May use
 * domain and storage, never the HTTP layer; features below it may use it, it uses none of them.
 */
package dev.diskfleet.provisioning;
