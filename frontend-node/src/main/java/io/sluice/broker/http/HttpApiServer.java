package io.sluice.broker.http;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.sluice.broker.admin.TopicAdmin;
import io.sluice.broker.config.TopicConfigs;
import io.sluice.broker.coordinator.lag.LocalAdmin;
import io.sluice.broker.metrics.BrokerMetrics;
import io.sluice.broker.partition.ReplicaManager;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.common.utils.Time;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The broker's HTTP API (Javalin on Jetty): Confluent REST Proxy v3 style resources for clusters, brokers, topics,
 * partitions and configs, consumer groups (members, lag, committed offsets), produce and fetch of records (also "the
 * next records for a group"), and the operations endpoints. Routes per resource live in {@link ClusterRoutes},
 * {@link TopicRoutes}, {@link TopicConfigRoutes}, {@link PartitionRoutes}, {@link ProduceRoutes},
 * {@link FetchRoutes}, {@link ConsumerGroupRoutes}, {@link ConsumerLagRoutes}, {@link GroupOffsetRoutes},
 * {@link GroupFetchRoutes} and {@link OperationRoutes}; every error is answered with the JSON body of
 * {@link ErrorResponse} (see {@link ErrorMapper} for the statuses). The routes are documented with curl examples in
 * {@code docs/http-api.md}.
 *
 * <p>Threads: Jetty's pool ({@code sluice-http-*}) runs handlers. Handlers that wait (produce with acks=all, long-poll
 * fetch, topic admin, consumer group calls through the Admin client) are asynchronous and release their thread until
 * the future completes; the answer is then written on the same pool ({@link AsyncResponder}).
 */
public final class HttpApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);
    private static final int MAX_THREADS = 64;
    private static final int MIN_THREADS = 4;
    /** A safety net above the longest wait a request may ask for (5 minutes): never reached in normal operation. */
    private static final long ASYNC_TIMEOUT_MS = 360_000L;

    /**
     * What the HTTP API serves from.
     *
     * @param replicaManager the hosted partitions (produce, fetch, partition offsets)
     * @param topicAdmin     topic writes through etcd
     * @param topicConfigs   topic config resolution (broker defaults; also the source of HTTP settings)
     * @param metrics        where requests are counted and what {@code /metrics} exports
     * @param ready          true while the broker is registered and serving ({@code /readyz})
     * @param metadata       the current metadata image (never waits on etcd)
     * @param admin          a Kafka Admin client on this broker's own listener, for the consumer group routes (the
     *                       group's coordinator may be another broker); null leaves those routes answering 503
     */
    public record Services(ReplicaManager replicaManager, TopicAdmin topicAdmin, TopicConfigs topicConfigs,
                           BrokerMetrics metrics, BooleanSupplier ready, Supplier<MetadataImage> metadata,
                           LocalAdmin admin) {
        /** Services without the consumer group routes' Admin client (they answer 503). */
        public Services(ReplicaManager replicaManager, TopicAdmin topicAdmin, TopicConfigs topicConfigs,
                        BrokerMetrics metrics, BooleanSupplier ready, Supplier<MetadataImage> metadata) {
            this(replicaManager, topicAdmin, topicConfigs, metrics, ready, metadata, null);
        }
    }

    private final Javalin app;

    private HttpApiServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving.
     *
     * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port the port to bind; 0 picks a free port (see {@link #port()})
     * @throws io.javalin.util.JavalinBindException if the port cannot be bound
     * @throws org.apache.kafka.common.config.ConfigException if {@code http.max.request.bytes} is malformed
     */
    public static HttpApiServer start(String host, int port, Services services) {
        return start(host, port, services, Time.SYSTEM);
    }

    /** As {@link #start(String, int, Services)}, with the clock that stamps records produced without a timestamp. */
    static HttpApiServer start(String host, int port, Services services, Time time) {
        HttpApiSettings settings = HttpApiSettings.fromBrokerSettings(services.topicConfigs().brokerSettings());
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("sluice-http");
        threads.setDaemon(true);
        RequestMetricsRecorder recorder = new RequestMetricsRecorder(services.metrics());
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.threadPool = threads;
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.http.prefer405over404 = true;
            config.http.asyncTimeout = ASYNC_TIMEOUT_MS;
            config.requestLogger.http(recorder::onCompleted);
        });
        app.before(recorder::onStart);
        app.exception(HttpResponseException.class, (e, ctx) -> Responses.error(ctx, ErrorMapper.toHttp(e)));
        app.exception(Exception.class, (e, ctx) -> Responses.error(ctx, ErrorMapper.toHttp(e)));

        RequestBody requestBody = new RequestBody(settings.maxRequestBytes());
        AsyncResponder responder = new AsyncResponder(threads);
        new OperationRoutes(services).register(app);
        new ClusterRoutes(services).register(app);
        new TopicRoutes(services, requestBody, responder).register(app);
        new TopicConfigRoutes(services, requestBody, responder).register(app);
        new PartitionRoutes(services).register(app);
        new ProduceRoutes(services, requestBody, responder, time).register(app);
        new FetchRoutes(services, responder).register(app);
        ConsumerGroupQueries groups = new ConsumerGroupQueries(services.admin(), services.metadata());
        new ConsumerGroupRoutes(services, groups, responder).register(app);
        new ConsumerLagRoutes(services, groups, responder).register(app);
        new GroupOffsetRoutes(services, groups, requestBody, responder).register(app);
        new GroupFetchRoutes(services, groups, responder).register(app);

        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            app.stop();
            throw e;
        }
        LOG.info("HTTP API listening on http://{}:{} maxRequestBytes={}", host, app.port(), settings.maxRequestBytes());
        return new HttpApiServer(app);
    }

    /** @return the bound port */
    public int port() {
        return app.port();
    }

    /** Stops accepting requests and waits for Jetty to stop; requests still waiting are cut off. */
    @Override
    public void close() {
        app.stop();
        LOG.info("HTTP API stopped");
    }
}
