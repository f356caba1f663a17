/**
 * The raw driver: the file is the virtual disk byte for byte, sparse where the host allows. It has no
 * magic and no parent, so it is probed last and never differencing. May use the JDK and the storage
 * core's driver interface only, never another driver.
 */
package dev.diskfleet.storage.raw;
