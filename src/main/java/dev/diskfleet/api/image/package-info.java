/**
 * {@code /api/images}: create, upload (streamed), list, patch, delete, clone, download and check images.
 */
package dev.diskfleet.api.image;
