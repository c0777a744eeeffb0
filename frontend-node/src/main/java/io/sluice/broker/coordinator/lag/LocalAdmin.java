package io.sluice.broker.coordinator.lag;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.NetworkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A kafka-clients {@link Admin} connected to this broker's own Kafka listener, for the parts of the broker that need
 * the cluster's view of consumer groups: the group a request names may be coordinated by another broker, and Kafka's
 * Admin client already finds the coordinator (FindCoordinator), follows NOT_COORDINATOR and retries
 * COORDINATOR_LOAD_IN_PROGRESS, as it does for {@code kafka-consumer-groups}. The Admin is a library here, not
 * Sluice code: it talks the Kafka protocol to this broker exactly as an external client would.
 *
 * <p>The Admin is created on first use, on a short-lived thread of its own, so no caller waits for it:
 * {@link #get()} returns a future. Creation does not connect (the Admin connects when it sends its first request), so
 * it may start before the broker is registered. A failed creation is retried by the next {@link #get()}.
 *
 * <p>Timeouts: every Admin call gives up after {@code default.api.timeout.ms} = {@value #API_TIMEOUT_MS} ms unless the
 * caller passes its own; single requests after {@code request.timeout.ms} = {@value #REQUEST_TIMEOUT_MS} ms. Futures
 * of the Admin complete on its network thread: callers must not block there (hop to their own executor for slow
 * work). Thread-safe.
 */
public final class LocalAdmin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAdmin.class);
    /** {@code default.api.timeout.ms} of the Admin: how long one Admin call may take, retries included. */
    public static final int API_TIMEOUT_MS = 30_000;
    /** {@code request.timeout.ms} of the Admin: how long one request to one broker may take. */
    public static final int REQUEST_TIMEOUT_MS = 15_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final Supplier<String> bootstrapServers;
    private final String clientId;
    private CompletableFuture<Admin> admin;
    private boolean closed;

    /**
     * @param bootstrapServers where the Admin connects, {@code host:port} of this broker's Kafka listener (read at
     *                         creation time, so it may be bound after this object is built)
     * @param brokerId         this broker's id, for the Admin's {@code client.id}
     */
    public LocalAdmin(Supplier<String> bootstrapServers, int brokerId) {
        this.bootstrapServers = bootstrapServers;
        this.clientId = "sluice-broker-" + brokerId + "-admin";
    }

    /**
     * @return {@code host:port} to reach a listener bound to {@code bound}: the loopback address when it is bound to
     *         every interface ({@code 0.0.0.0} or {@code ::}), else the bound address
     */
    public static String bootstrapFor(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        String host = address == null || address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return host + ":" + bound.getPort();
    }

    /**
     * @return the Admin, created on the first call; fails with {@link NetworkException} (retriable) once closed, or
     *         with the creation's error (the next call tries again)
     */
    public synchronized CompletableFuture<Admin> get() {
        if (closed) {
            return CompletableFuture.failedFuture(new NetworkException("the broker is shutting down"));
        }
        if (admin == null || admin.isCompletedExceptionally()) {
            admin = create();
        }
        return admin;
    }

    private CompletableFuture<Admin> create() {
        Map<String, Object> configs = new HashMap<>();
        configs.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        configs.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        configs.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        CompletableFuture<Admin> created = new CompletableFuture<>();
        Thread creator = new Thread(() -> {
            try {
                configs.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
                Admin instance = Admin.create(configs);
                LOG.info("admin client created clientId={} bootstrap={}", clientId,
                        configs.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
                created.complete(instance);
            } catch (RuntimeException e) {
                LOG.warn("creating the admin client failed; the next use retries: {}", e.toString());
                created.completeExceptionally(e);
            }
        }, "sluice-admin-create");
        creator.setDaemon(true);
        creator.start();
        return created;
    }

    /**
     * Closes the Admin (waiting at most one second for calls in flight, which then fail) and refuses further use.
     * An Admin still being created is closed once it exists.
     */
    @Override
    public void close() {
        CompletableFuture<Admin> current;
        synchronized (this) {
            closed = true;
            current = admin;
        }
        if (current != null) {
            current.thenAccept(a -> a.close(CLOSE_TIMEOUT));
        }
    }
}
