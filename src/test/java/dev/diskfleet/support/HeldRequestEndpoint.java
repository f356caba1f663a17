package dev.diskfleet.support;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A test-only POST that blocks until the test releases it, so a second request can arrive while the
 * first is provably still running. {@code @TestComponent} keeps it out of component scanning: only
 * contexts that import it have it. {@code @Hidden} keeps it out of the API document the context serves,
 * which {@code OpenApiDocumentTest} compares with the committed one.
 */
@Hidden
@TestComponent
@RestController
public class HeldRequestEndpoint {

    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger runs = new AtomicInteger();

    @PostMapping("/api/test/held")
    @ResponseStatus(HttpStatus.CREATED)
    public String hold(@RequestBody String body) throws InterruptedException {
        runs.incrementAndGet();
        entered.countDown();
        release.await(30, TimeUnit.SECONDS);
        return "{\"echo\":" + body.length() + "}";
    }

    public void arm() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    public boolean awaitEntered() throws InterruptedException {
        return entered.await(30, TimeUnit.SECONDS);
    }

    public void release() {
        release.countDown();
    }

    public int runs() {
        return runs.get();
    }
}
