package io.sluice.loadtests.http;

import io.sluice.loadtests.http.SluiceHttpApi.ProduceRecord;
import io.sluice.loadtests.http.SluiceHttpApi.RecordOffset;
import io.sluice.loadtests.metrics.StageMetrics;
import io.sluice.loadtests.workload.HttpSettings;
import io.sluice.loadtests.workload.PayloadFactory;
import io.sluice.loadtests.workload.RunContext;
import io.sluice.loadtests.workload.Transport;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;

/**
 * One HTTP producer: sends batches of {@link HttpSettings#batchRecords()} records, all to one partition,
 * moving round-robin to the next partition with every request, and keeps up to
 * {@link HttpSettings#maxInFlight()} requests in flight. Every record of a request gets the request's
 * latency. A failed request counts all its records as failed ({@code HTTP <status>} or the I/O exception's
 * class name); a 2xx answer with fewer offsets than records counts the missing ones as
 * {@code MissingOffset}. Returns when the budget is used up and every request has been answered or has
 * timed out.
 */
final class HttpProduceTask implements Transport.ProduceTask {
    private final int index;
    private final HttpClient client;
    private final SluiceHttpApi api;
    private final RunContext context;
    private final HttpSettings settings;

    HttpProduceTask(int index, HttpClient client, SluiceHttpApi api, RunContext context) {
        this.index = index;
        this.client = client;
        this.api = api;
        this.context = context;
        this.settings = context.config().http();
    }

    @Override
    public void run() {
        Semaphore inFlight = new Semaphore(settings.maxInFlight());
        PayloadFactory payloads = new PayloadFactory(context.config().recordSize(), new Random(31L * index + 17));
        int partitions = context.partitions();
        int nextPartition = index % partitions;
        while (true) {
            int count = context.produceBudget().tryAcquire(settings.batchRecords());
            if (count == 0) {
                break;
            }
            context.rateLimiter().acquire(count);
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            send(batch(payloads, count, nextPartition), inFlight);
            nextPartition = (nextPartition + 1) % partitions;
        }
        // Every request carries a timeout, so each permit comes back.
        inFlight.acquireUninterruptibly(settings.maxInFlight());
    }

    private List<ProduceRecord> batch(PayloadFactory payloads, int count, int partition) {
        List<ProduceRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String value = new String(payloads.next(context.clock().nowMicros()), StandardCharsets.US_ASCII);
            records.add(new ProduceRecord(null, value, partition));
        }
        return records;
    }

    private void send(List<ProduceRecord> records, Semaphore inFlight) {
        StageMetrics metrics = context.metrics().produce();
        int count = records.size();
        long sentNanos = context.time().nanoseconds();
        try {
            client.sendAsync(api.produce(context.config().topic(), records), HttpResponse.BodyHandlers.ofByteArray())
                .whenComplete((response, error) -> {
                    try {
                        complete(response, error, count, sentNanos, metrics);
                    } finally {
                        inFlight.release();
                    }
                });
        } catch (RuntimeException e) {
            metrics.recordFailed(e, count, context.time().nanoseconds());
            inFlight.release();
        }
    }

    private void complete(HttpResponse<byte[]> response, Throwable error, int count, long sentNanos, StageMetrics metrics) {
        long now = context.time().nanoseconds();
        if (error != null) {
            metrics.recordFailed(error, count, now);
            return;
        }
        try {
            List<RecordOffset> offsets = api.parseProduceResponse(response.statusCode(), response.body());
            int acknowledged = Math.min(count, offsets.size());
            if (acknowledged > 0) {
                metrics.recordCompleted(acknowledged, (long) acknowledged * context.config().recordSize(), now);
                context.metrics().produceLatency().recordMicros((now - sentNanos) / 1_000L, acknowledged);
            }
            if (acknowledged < count) {
                metrics.recordFailed("MissingOffset", count - acknowledged, now);
            }
        } catch (HttpApiException e) {
            metrics.recordFailed(e.kind(), count, now);
        }
    }
}
