package dev.diskfleet.provisioning.image;

/** Fields of an image to change; null fields stay as they are. */
public record ImagePatch(String name, String description, String type, Boolean autoReset) {
}
