package dev.diskfleet.storage;

/** How an image file is laid out on the host: grown on demand, or preallocated. */
public enum Variant {
    DYNAMIC,
    FIXED
}
