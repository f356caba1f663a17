/**
 * Images as the registry knows them (VirtualBox's media registry): the entity, its repository, its write
 * modes and states, the tree of differencing images, and the rules that keep an image in use from changing.
 * Who uses an image is asked through {@link dev.diskfleet.domain.image.ImageUsage}, which the attachment
 * feature answers.
 */
package dev.diskfleet.domain.image;
