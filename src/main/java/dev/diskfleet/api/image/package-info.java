/**
 * {@code /api/images}: create, upload (streamed), list, patch, delete, clone, download and check images.
 * Uses {@code provisioning.image} and {@code provisioning.operation}, the image domain types and api.web.
 */
package dev.diskfleet.api.image;
