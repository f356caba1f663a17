/**
 * The storage engine: image files by UUID ({@link dev.diskfleet.storage.ImageStore}), chains read through
 * and written copy-on-write ({@link dev.diskfleet.storage.Chain}), and the driver interface
 * ({@link dev.diskfleet.storage.ImageFormat}, {@link dev.diskfleet.storage.ImageFile}). Plain Java: it may
 * use the JDK only, never Spring, JPA or any other project package, and never names a driver: drivers
 * register through {@code ServiceLoader} ({@link dev.diskfleet.storage.ImageFormats}). Other packages get
 * values from the store, never its root, paths or handles, except through its two documented file doors
 * (for the hypervisor and for NBD exports), which the architecture test confines to one caller each.
 */
package dev.diskfleet.storage;
