package dev.diskfleet.api.forwarding;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose small JSON body was read ahead, to see whose image it names, and is read again from the
 * start by whoever handles it: this node's handler or the node it is forwarded to.
 */
final class BufferedRequest extends HttpServletRequestWrapper {

    /** Larger bodies are not read ahead: no request that names an owner in its body comes near it. */
    static final int LIMIT = 64 << 10;

    private final byte[] body;

    private BufferedRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    /** The request with its body read ahead, or the request itself when its body is larger than {@link #LIMIT}. */
    static HttpServletRequest of(HttpServletRequest request) throws IOException {
        long length = request.getContentLengthLong();
        if (length > LIMIT || length < 0 && request.getHeader("Transfer-Encoding") == null) {
            return request;
        }
        byte[] body = request.getInputStream().readNBytes(LIMIT + 1);
        if (body.length > LIMIT) {
            throw new IOException("a request body announced as small was larger than " + LIMIT + " bytes");
        }
        return new BufferedRequest(request, body);
    }

    byte[] body() {
        return body.clone();
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                return in.read(buffer, offset, length);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
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
