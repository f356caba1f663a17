/**
 * Cloud-init's NoCloud seed: the small read-only volume labelled {@code cidata} that tells a guest who it
 * is ({@code meta-data}: instance-id, local-hostname and the user's entries), what to run
 * ({@code user-data}) and, if given, how to set up its network ({@code network-config}). The files are
 * written by {@link dev.diskfleet.hypervisor.seed.NoCloudSeed} and packed into an ISO 9660 image by a
 * maintained tool ({@link dev.diskfleet.hypervisor.seed.SeedImageTool}: Debian's {@code genisoimage} or
 * {@code xorriso}, run without a shell), as cloud-image-utils' {@code cloud-localds} does. Plain Java: the
 * JDK only.
 */
package dev.diskfleet.hypervisor.seed;
