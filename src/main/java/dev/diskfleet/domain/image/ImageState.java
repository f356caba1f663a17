package dev.diskfleet.domain.image;

/** Whether an image's file is where its row says. */
public enum ImageState {
    READY,
    /** The row's file was missing at startup (VirtualBox shows such media as inaccessible). */
    INACCESSIBLE
}
