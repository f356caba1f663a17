package dev.diskfleet.api.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** A body read ahead to find its owner is read again whole by whoever handles the request, whatever its size. */
class BufferedRequestTest {

    @Test
    void aSmallBodyIsKeptAndReadAgainFromTheStart() throws Exception {
        byte[] json = "{\"goldenImageId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/fleets");
        request.setContent(json);

        HttpServletRequest buffered = BufferedRequest.of(request);

        assertThat(((BufferedRequest) buffered).body()).hasValueSatisfying(body -> assertThat(body).isEqualTo(json));
        assertThat(buffered.getInputStream().readAllBytes()).isEqualTo(json);
        assertThat(buffered.getContentLengthLong()).isEqualTo(json.length);
    }

    @Test
    void aChunkedBodyLargerThanTheLimitIsNotLookedIntoAndReachesItsHandlerWhole() throws Exception {
        byte[] large = new byte[BufferedRequest.LIMIT * 2];
        Arrays.fill(large, (byte) 'x');
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/fleets") {
            @Override
            public long getContentLengthLong() {
                return -1; // chunked: no length announced
            }
        };
        request.addHeader("Transfer-Encoding", "chunked");
        request.setContent(large);

        HttpServletRequest buffered = BufferedRequest.of(request);

        assertThat(((BufferedRequest) buffered).body()).isEmpty();
        assertThat(buffered.getInputStream().readAllBytes()).isEqualTo(large);
    }
}
