package io.sluice.tiering.objectstore.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.sluice.tiering.objectstore.ObjectStoreException;
import io.sluice.tiering.objectstore.Retrier;
import io.sluice.tiering.objectstore.RetryPolicy;
import io.sluice.tiering.objectstore.RetryingObjectStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link S3ObjectStore} classifies real HTTP answers of an S3 endpoint, against a local fake server that answers
 * like S3 does when it throttles, fails, denies or hangs (S3Proxy cannot be made to throttle).
 */
class S3ErrorClassificationTest {

    private final AtomicInteger flakyRequests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private S3ObjectStore store;
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/bucket/", this::answer);
        server.start();
        store = S3ObjectStore.create(S3Config.builder("bucket")
            .endpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .pathStyle(true)
            .staticCredentials("id", "secret")
            .sdkMaxAttempts(1)
            .apiCallAttemptTimeout(Duration.ofMillis(500))
            .apiCallTimeout(Duration.ofSeconds(5))
            .build());
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        release.countDown();
        store.close();
        server.stop(0);
        scheduler.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestURI().getPath().substring("/bucket/".length());
        switch (key) {
            case "slow-down" -> error(exchange, 503, "SlowDown", "Please reduce your request rate.");
            case "internal" -> error(exchange, 500, "InternalError", "We encountered an internal error.");
            case "denied" -> error(exchange, 403, "AccessDenied", "Access Denied");
            case "missing" -> error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
            case "request-timeout" -> error(exchange, 400, "RequestTimeout", "Your socket connection timed out.");
            case "bad" -> error(exchange, 400, "InvalidArgument", "Invalid argument.");
            case "hang" -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
            case "flaky" -> {
                if (flakyRequests.incrementAndGet() <= 2) {
                    error(exchange, 503, "SlowDown", "Please reduce your request rate.");
                } else {
                    byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
            default -> error(exchange, 404, "NoSuchKey", "no");
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
            + "</Message><RequestId>1</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static ObjectStoreException failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ObjectStoreException.class);
            return (ObjectStoreException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void throttlingServerErrorsAndTimeoutsAreRetriable() throws Exception {
        ObjectStoreException slowDown = failure(store.get("slow-down"));
        assertThat(slowDown.kind()).isEqualTo(ObjectStoreException.Kind.THROTTLED);
        assertThat(slowDown.httpStatus()).hasValue(503);
        assertThat(slowDown.isRetriable()).isTrue();

        assertThat(failure(store.get("internal")).kind()).isEqualTo(ObjectStoreException.Kind.SERVER_ERROR);
        assertThat(failure(store.get("request-timeout")).kind()).isEqualTo(ObjectStoreException.Kind.TIMEOUT);
        ObjectStoreException hang = failure(store.getRange("hang", 0, 10));
        assertThat(hang.kind()).isEqualTo(ObjectStoreException.Kind.TIMEOUT);
        assertThat(hang.isRetriable()).isTrue();
    }

    @Test
    void deniedMissingAndMalformedRequestsAreNot() throws Exception {
        ObjectStoreException denied = failure(store.get("denied"));
        assertThat(denied.kind()).isEqualTo(ObjectStoreException.Kind.ACCESS_DENIED);
        assertThat(denied.isRetriable()).isFalse();
        assertThat(failure(store.get("missing")).kind()).isEqualTo(ObjectStoreException.Kind.NOT_FOUND);
        assertThat(failure(store.get("bad")).kind()).isEqualTo(ObjectStoreException.Kind.BAD_REQUEST);
    }

    @Test
    void aThrottledReadSucceedsThroughTheRetryingStore() throws Exception {
        RetryingObjectStore retrying = new RetryingObjectStore(store, new Retrier(
            RetryPolicy.DEFAULT.withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)), scheduler));

        ByteBuffer data = retrying.get("flaky").get(30, TimeUnit.SECONDS);

        assertThat(StandardCharsets.UTF_8.decode(data).toString()).isEqualTo("ok");
        assertThat(flakyRequests.get()).isEqualTo(3);
        assertThat(retrying.retrier().retries()).isEqualTo(2);
    }
}
