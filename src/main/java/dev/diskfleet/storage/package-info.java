/**
 * The storage engine: image files by UUID ({@link dev.diskfleet.storage.ImageStore}), chains read through
 * and written copy-on-write ({@link dev.diskfleet.storage.Chain}), and the driver interface
 * ({@link dev.diskfleet.storage.ImageFormat}, {@link dev.diskfleet.storage.ImageFile}). Plain Java: it may
 * use the JDK only, never Spring, JPA or any other project package, and never names a driver: drivers
 * register through {@code ServiceLoader} ({@link dev.diskfleet.storage.ImageFormats}).
 */
package dev.diskfleet.storage;
