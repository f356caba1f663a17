package dev.diskfleet.storage;

import java.util.UUID;

/**
 * An image file in the store that no id the caller knows owns, by name and size: what an operator needs
 * to decide on it, and to delete it through {@link ImageStore#deleteUnownedFile}, without its path.
 *
 * @param format the file's format, or null when the file went between listing and looking
 */
public record UnownedFile(UUID id, String fileName, String format, long fileBytes) {
}
