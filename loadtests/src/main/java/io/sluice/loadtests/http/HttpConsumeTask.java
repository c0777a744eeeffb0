package io.sluice.loadtests.http;

import io.sluice.loadtests.http.SluiceHttpApi.FetchedRecord;
import io.sluice.loadtests.workload.HttpSettings;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.Transport;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP consumer: keeps one long-poll fetch in flight per assigned partition, each asking for the records
 * after the last one it received. A failed fetch is counted ({@code HTTP <status>} or the exception's class
 * name) and retried at the same offset after {@link #RETRY_BACKOFF}; an empty answer that came back sooner
 * than its {@code timeout_ms} waits {@link #EMPTY_BACKOFF} before the next fetch, so a server that does not
 * long-poll is not hammered. Every partition's loop ends at its next answer once consumers are stopped.
 */
final class HttpConsumeTask implements Transport.ConsumeTask {
    static final Duration RETRY_BACKOFF = Duration.ofMillis(100);
    static final Duration EMPTY_BACKOFF = Duration.ofMillis(20);

    private final List<Integer> partitions;
    private final HttpClient client;
    private final SluiceHttpApi api;
    private final RunContext context;
    private final HttpSettings settings;
    private final StartOffsets startOffsets;
    private Map<Integer, Long> offsets;

    /** Finds the first offset to fetch for each partition. */
    @FunctionalInterface
    interface StartOffsets {
        /**
         * @param partitions partition ids
         * @return the first offset to fetch, per partition id
         * @throws Exception if they cannot be found
         */
        Map<Integer, Long> find(List<Integer> partitions) throws Exception;
    }

    HttpConsumeTask(List<Integer> partitions, HttpClient client, SluiceHttpApi api, RunContext context,
                    StartOffsets startOffsets) {
        this.partitions = partitions;
        this.client = client;
        this.api = api;
        this.context = context;
        this.settings = context.config().http();
        this.startOffsets = startOffsets;
    }

    @Override
    public void prepare() throws Exception {
        offsets = startOffsets.find(partitions);
    }

    @Override
    public void run() {
        CountDownLatch finished = new CountDownLatch(partitions.size());
        for (int partition : partitions) {
            fetch(partition, offsets.getOrDefault(partition, 0L), finished);
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fetch(int partition, long offset, CountDownLatch finished) {
        if (context.consumersStopped()) {
            finished.countDown();
            return;
        }
        long sentNanos = context.time().nanoseconds();
        try {
            client.sendAsync(api.fetch(context.config().topic(), partition, offset, settings.fetchMaxBytes(), settings.fetchTimeout()),
                    HttpResponse.BodyHandlers.ofByteArray())
                .whenComplete((response, error) -> next(partition, offset, sentNanos, response, error, finished));
        } catch (RuntimeException e) {
            context.metrics().consume().recordFailed(e, 1, context.time().nanoseconds());
            finished.countDown();
        }
    }

    private void next(int partition, long offset, long sentNanos, HttpResponse<byte[]> response, Throwable error,
                      CountDownLatch finished) {
        long now = context.time().nanoseconds();
        if (error != null) {
            context.metrics().consume().recordFailed(error, 1, now);
            later(RETRY_BACKOFF, () -> fetch(partition, offset, finished));
            return;
        }
        List<FetchedRecord> records;
        try {
            records = api.parseFetchResponse(response.statusCode(), response.body());
        } catch (HttpApiException e) {
            context.metrics().consume().recordFailed(e.kind(), 1, now);
            later(RETRY_BACKOFF, () -> fetch(partition, offset, finished));
            return;
        }
        long nextOffset = offset;
        for (FetchedRecord record : records) {
            long bytes = length(record.key()) + length(record.value());
            context.recordConsumed(bytes, record.value());
            nextOffset = Math.max(nextOffset, record.offset() + 1);
        }
        long resumeAt = nextOffset;
        boolean answeredEarly = now - sentNanos < settings.fetchTimeout().toNanos();
        if (records.isEmpty() && answeredEarly) {
            later(EMPTY_BACKOFF, () -> fetch(partition, resumeAt, finished));
        } else {
            fetch(partition, resumeAt, finished);
        }
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }

    private static void later(Duration delay, Runnable action) {
        Executor delayed = CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);
        delayed.execute(action);
    }

    @Override
    public void close() {
        // The HTTP client is shared and closed by the transport.
    }
}
