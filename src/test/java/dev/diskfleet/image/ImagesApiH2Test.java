package dev.diskfleet.image;

import dev.diskfleet.support.FullStackTest;

/** The images API on the embedded H2 database. */
@FullStackTest
class ImagesApiH2Test extends ImagesApiContract {
}
