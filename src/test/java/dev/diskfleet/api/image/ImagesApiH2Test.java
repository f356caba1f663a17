package dev.diskfleet.api.image;

/** The images API on the embedded H2 database. */
class ImagesApiH2Test extends ImagesApiContract {
}
