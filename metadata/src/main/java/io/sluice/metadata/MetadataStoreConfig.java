package io.sluice.metadata;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to reach etcd and how to behave there.
 *
 * @param endpoints        etcd client URLs, e.g. {@code http://127.0.0.1:2379}; at least one
 * @param namespace        the key root, default {@value #DEFAULT_NAMESPACE}; every key lives under
 *                         {@code <namespace>/v1/} (see {@code docs/etcd-key-layout.md}). It starts with {@code /} and
 *                         has no trailing {@code /}. Tests give each test class its own namespace in one etcd.
 * @param requestTimeout   the bound on every single etcd call and on waiting for the local cache to see a write,
 *                         default 5 s; exceeded → Kafka {@code TimeoutException} (REQUEST_TIMED_OUT)
 * @param connectTimeout   the gRPC connect timeout, default 3 s
 * @param brokerLeaseTtl   TTL of broker registration leases, default 10 s. etcd silently raises TTLs below its minimum
 *                         (about 1.5 x its election timeout, so about 1.5 s with default etcd settings). Rounded up to
 *                         whole seconds (etcd's unit).
 * @param brokerDefaults   broker-level settings that give topic defaults and CreateTopics defaults, e.g.
 *                         {@code log.retention.ms}, {@code num.partitions}, {@code default.replication.factor};
 *                         see {@link io.sluice.metadata.config.TopicConfigDefs}
 */
public record MetadataStoreConfig(List<String> endpoints, String namespace, Duration requestTimeout,
                                  Duration connectTimeout, Duration brokerLeaseTtl, Map<String, String> brokerDefaults) {

    public static final String DEFAULT_NAMESPACE = "/sluice";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_BROKER_LEASE_TTL = Duration.ofSeconds(10);

    public MetadataStoreConfig {
        endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is required");
        }
        Objects.requireNonNull(namespace, "namespace");
        if (!namespace.startsWith("/") || namespace.endsWith("/") || namespace.contains("//")) {
            throw new IllegalArgumentException("namespace must start with '/', not end with '/' and have no empty "
                + "segment: '" + namespace + "'");
        }
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(brokerLeaseTtl, "brokerLeaseTtl");
        brokerDefaults = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(brokerDefaults, "brokerDefaults")));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** A builder with the defaults above. */
    public static Builder builder(String... endpoints) {
        return new Builder(List.of(endpoints));
    }

    /** The lease TTL in whole seconds, rounded up (etcd's unit), at least 1. */
    public long brokerLeaseTtlSeconds() {
        long millis = brokerLeaseTtl.toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    /** A copy with another namespace. */
    public MetadataStoreConfig withNamespace(String newNamespace) {
        return new MetadataStoreConfig(endpoints, newNamespace, requestTimeout, connectTimeout, brokerLeaseTtl,
            brokerDefaults);
    }

    /** Builds a {@link MetadataStoreConfig}. */
    public static final class Builder {
        private List<String> endpoints;
        private String namespace = DEFAULT_NAMESPACE;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration brokerLeaseTtl = DEFAULT_BROKER_LEASE_TTL;
        private Map<String, String> brokerDefaults = Map.of();

        private Builder(List<String> endpoints) {
            this.endpoints = endpoints;
        }

        public Builder endpoints(List<String> value) {
            this.endpoints = value;
            return this;
        }

        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder brokerLeaseTtl(Duration value) {
            this.brokerLeaseTtl = value;
            return this;
        }

        public Builder brokerDefaults(Map<String, String> value) {
            this.brokerDefaults = value;
            return this;
        }

        public MetadataStoreConfig build() {
            return new MetadataStoreConfig(endpoints, namespace, requestTimeout, connectTimeout, brokerLeaseTtl,
                brokerDefaults);
        }
    }
}
