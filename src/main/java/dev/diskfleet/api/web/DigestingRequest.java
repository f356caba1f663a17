package dev.diskfleet.api.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A request whose body is hashed (SHA-256) as the application reads it, so the fingerprint of a
 * multi-GiB upload costs no memory: the body is never kept, only the digest.
 */
final class DigestingRequest extends HttpServletRequestWrapper {

    private final MessageDigest digest;
    private ServletInputStream stream;
    private BufferedReader reader;

    DigestingRequest(HttpServletRequest request) {
        super(request);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (stream == null) {
            stream = new Digesting(super.getInputStream());
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (reader == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
        return reader;
    }

    /**
     * Reads what the application left unread (a JSON parser may stop before the end) and returns the
     * hex SHA-256 of the whole body.
     */
    String drainAndDigest() throws IOException {
        ServletInputStream in = getInputStream();
        byte[] buffer = new byte[64 * 1024];
        while (in.read(buffer) >= 0) {
            // each read updates the digest
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private final class Digesting extends ServletInputStream {

        private final ServletInputStream in;

        Digesting(ServletInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
            }
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
