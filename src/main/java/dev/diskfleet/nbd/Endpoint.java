package dev.diskfleet.nbd;

import dev.diskfleet.storage.PrivateFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Where a server listens: a Unix socket file (mode 0600), or a TCP port on the loopback interface. */
public sealed interface Endpoint {

    static Endpoint unixSocket(Path path) {
        return new UnixSocket(path.toAbsolutePath());
    }

    /** Port 0 picks a free port; {@link NbdServer#uri(String)} then names the one bound. */
    static Endpoint loopbackTcp(int port) {
        return new LoopbackTcp(port);
    }

    ServerSocketChannel bind() throws IOException;

    /** The client URI of an export (its name already percent-encoded); {@code port} is the bound TCP port. */
    String uri(String encodedName, int boundPort);

    /** Removes what binding left on disk. */
    default void release() {
    }

    record UnixSocket(Path path) implements Endpoint {

        /**
         * Binds inside a fresh private folder, sets mode 0600 and only then renames the socket into place:
         * there is no moment when another user could connect through looser permissions.
         */
        @Override
        public ServerSocketChannel bind() throws IOException {
            Path parent = path.getParent();
            PrivateFiles.createFolder(parent);
            Path privateDir = Files.createTempDirectory(parent, ".nbd-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path staging = privateDir.resolve("socket");
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.bind(UnixDomainSocketAddress.of(staging));
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-------"));
                Files.deleteIfExists(path);
                Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE);
                return channel;
            } catch (IOException e) {
                channel.close();
                throw e;
            } finally {
                Files.deleteIfExists(staging);
                Files.deleteIfExists(privateDir);
            }
        }

        @Override
        public String uri(String encodedName, int boundPort) {
            return "nbd+unix:///" + encodedName + "?socket=" + path;
        }

        @Override
        public void release() {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // A stale socket file is replaced at the next bind.
            }
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    record LoopbackTcp(int port) implements Endpoint {

        @Override
        public ServerSocketChannel bind() throws IOException {
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return channel;
        }

        @Override
        public String uri(String encodedName, int boundPort) {
            return "nbd://127.0.0.1:" + boundPort + "/" + encodedName;
        }

        @Override
        public String toString() {
            return "127.0.0.1:" + port;
        }
    }
}
