package dev.diskfleet.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's image files by UUID and their open handles. Open files are kept and shared, so every
 * reader and the single writer of an image see the same block tables.
 */
final class OpenImages {

    private final Path root;
    private final List<ImageFormat> formats;
    private final StorageLimits limits;
    private final Map<UUID, ImageFile> open = new ConcurrentHashMap<>();

    OpenImages(Path root, List<ImageFormat> formats, StorageLimits limits) {
        this.root = root;
        this.formats = List.copyOf(formats);
        this.limits = limits;
    }

    List<ImageFormat> formats() {
        return formats;
    }

    ImageFormat format(String name) {
        for (ImageFormat format : formats) {
            if (format.name().equals(name)) {
                return format;
            }
        }
        throw new StorageException("unknown image format '" + name + "'; known: " + formatNames());
    }

    List<String> formatNames() {
        return formats.stream().map(ImageFormat::name).toList();
    }

    Path locate(UUID id) {
        for (ImageFormat format : formats) {
            Path candidate = root.resolve(id + "." + format.name());
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    boolean exists(UUID id) {
        return locate(id) != null;
    }

    ImageFile handle(UUID id) {
        ImageFile file = open.get(id);
        if (file != null) {
            return file;
        }
        return open.computeIfAbsent(id, key -> {
            Path path = locate(key);
            if (path == null) {
                throw new ImageNotFoundException(key);
            }
            ImageFile opened = format(extension(path)).open(path, true, limits);
            if (!opened.id().equals(key)) {
                // A copied or renamed file: two names for one identity would confuse every chain over it.
                opened.close();
                throw new StorageException("image file " + path.getFileName() + " carries UUID " + opened.id()
                        + " in its header, expected " + key + " as its name says");
            }
            return opened;
        });
    }

    /** The handle of an image already open, without opening one. */
    java.util.Optional<ImageFile> ifOpen(UUID id) {
        return java.util.Optional.ofNullable(open.get(id));
    }

    Chain chain(UUID id) {
        return new Chain(layers(id));
    }

    /** Top first: the image and every ancestor down to its base. */
    List<ImageFile> layers(UUID id) {
        ImageFile top = handle(id);
        Set<UUID> seen = new HashSet<>(Set.of(top.id()));
        List<ImageFile> layers = ChainDepth.upFrom(top, child -> {
            if (child.parentLink().isEmpty()) {
                return null;
            }
            ImageFile parent = handle(parentOf(child));
            if (!seen.add(parent.id())) {
                throw new ChainException("image " + id + " has a loop in its parent chain at " + parent.id());
            }
            return parent;
        });
        if (layers.get(layers.size() - 1).parentLink().isPresent()) {
            throw new ChainException("image " + id + " has a chain deeper than " + ChainDepth.MAX);
        }
        return layers;
    }

    UUID parentOf(ImageFile child) {
        ParentLink link = child.parentLink().orElseThrow();
        if (link.parentId() != null) {
            return link.parentId();
        }
        return ImageIds.fromFileName(resolveBackingFile(child, link.backingFileName()));
    }

    /** A backing file name must be a plain name of a file in the root: never a path that leaves it. */
    private Path resolveBackingFile(ImageFile child, String name) {
        Path resolved = root.resolve(name).normalize();
        if (name.contains("/") || name.contains("\\") || !resolved.getParent().equals(root)) {
            throw new ChainException("image " + child.id() + " names backing file '" + name
                    + "', which is not a plain file name inside the storage root");
        }
        if (!Files.isRegularFile(resolved)) {
            throw new ChainException("image " + child.id() + " names backing file '" + name + "', which does not exist");
        }
        return resolved;
    }

    /** Closes the image's handle, if open, and deletes its file. */
    void delete(UUID id) {
        ImageFile handle = open.remove(id);
        if (handle != null) {
            synchronized (handle) {
                handle.close();
            }
        }
        Path file = locate(id);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw FileIo.ioFailure("delete", file, e);
            }
        }
    }

    /** Closes and forgets the handle, waiting for a whole-image change on it to finish first. */
    void release(UUID id) {
        ImageFile handle = open.remove(id);
        if (handle != null) {
            synchronized (handle) {
                handle.close();
            }
        }
    }

    /** Closes and forgets the handle of an image whose file is being undone. */
    void forget(UUID id) {
        ImageFile handle = open.remove(id);
        if (handle != null) {
            handle.close();
        }
    }

    /** UUIDs of every published image file in the root. */
    Set<UUID> listImageIds() {
        Set<UUID> ids = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot > 0 && !name.startsWith(".") && formatNames().contains(name.substring(dot + 1))) {
                    parseUuid(name.substring(0, dot)).ifPresent(ids::add);
                }
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("list", root, e);
        }
        return ids;
    }

    void close() {
        for (UUID id : List.copyOf(open.keySet())) {
            forget(id);
        }
    }

    private static String extension(Path path) {
        String name = path.getFileName().toString();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static Optional<UUID> parseUuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
