package dev.diskfleet.api.forwarding;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A request whose small JSON body was read ahead, to see whose image it names, and is read again from the
 * start by whoever handles it: this node's handler or the node it is forwarded to.
 */
final class BufferedRequest extends HttpServletRequestWrapper {

    /** Larger bodies are not read ahead: no request that names an owner in its body comes near it. */
    static final int LIMIT = 64 << 10;

    private final byte[] body;
    /** Whether {@link #body} is the whole body; else it is its first bytes, and the rest is still to be read. */
    private final boolean whole;
    private final InputStream rest;

    private BufferedRequest(HttpServletRequest request, byte[] body, boolean whole, InputStream rest) {
        super(request);
        this.body = body;
        this.whole = whole;
        this.rest = rest;
    }

    /** The request with its body read ahead, or the request itself when its body is larger than {@link #LIMIT}. */
    static HttpServletRequest of(HttpServletRequest request) throws IOException {
        long length = request.getContentLengthLong();
        if (length > LIMIT || length < 0 && request.getHeader("Transfer-Encoding") == null) {
            return request;
        }
        InputStream in = request.getInputStream();
        byte[] body = in.readNBytes(LIMIT + 1);
        // A chunked body larger than announced: its owner is not looked for, and whoever handles it reads it all.
        return new BufferedRequest(request, body, body.length <= LIMIT, in);
    }

    /** The whole body, when it was small enough to read ahead. */
    Optional<byte[]> body() {
        return whole ? Optional.of(body.clone()) : Optional.empty();
    }

    @Override
    public int getContentLength() {
        return whole ? body.length : super.getContentLength();
    }

    @Override
    public long getContentLengthLong() {
        return whole ? body.length : super.getContentLengthLong();
    }

    @Override
    public ServletInputStream getInputStream() {
        InputStream in = whole ? new ByteArrayInputStream(body)
                : new SequenceInputStream(new ByteArrayInputStream(body), rest);
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return in.read(buffer, offset, length);
            }

            @Override
            public boolean isFinished() {
                try {
                    return whole && in.available() == 0;
                } catch (IOException e) {
                    return true;
                }
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body was read ahead; read it blocking");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
}
