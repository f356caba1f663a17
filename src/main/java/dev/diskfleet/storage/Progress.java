package dev.diskfleet.storage;

/** Receives how far a long operation has got, in bytes of the virtual disk. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (done, total) -> { };

    void update(long done, long total);
}
