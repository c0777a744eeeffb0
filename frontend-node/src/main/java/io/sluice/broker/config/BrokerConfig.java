package io.sluice.broker.config;

import io.sluice.broker.replication.FetcherConfig;
import io.sluice.broker.tiering.RemoteLogManagerConfig;
import io.sluice.storage.log.LogManagerConfig;
import org.apache.kafka.common.config.ConfigException;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A broker's configuration, read from a Java properties file that uses Kafka's broker config names wherever
 * Kafka has one ({@code node.id}, {@code log.dirs}, {@code listeners}, {@code advertised.listeners},
 * {@code num.partitions}, {@code default.replication.factor}, {@code log.segment.bytes}, {@code log.retention.ms}, ...)
 * plus Sluice's own ({@code etcd.endpoints}, {@code etcd.namespace}, {@code http.listeners}). Tiered-storage settings
 * ({@code remote.log.*}, {@code sluice.s3.*}) are read by {@link #remoteLogManagerConfig()}.
 *
 * <p>Broker-level log settings ({@code log.*}, {@code message.max.bytes}, {@code min.insync.replicas}, ...) are the
 * defaults for topics that do not override them, as in Kafka: {@link #originals()} goes to the metadata layer,
 * whose {@code TopicConfigDefs} resolves those synonyms.
 */
public final class BrokerConfig {
    private static final Set<String> KNOWN = Set.of("node.id", "broker.id", "log.dirs", "log.dir", "listeners",
            "advertised.listeners", "http.listeners", "etcd.endpoints", "etcd.namespace", "broker.rack",
            "num.partitions", "default.replication.factor", "auto.create.topics.enable", "socket.request.max.bytes",
            "num.network.threads", "num.io.threads", "broker.session.timeout.ms", "producer.id.expiration.ms",
            "replica.high.watermark.checkpoint.interval.ms", "producer.id.expiration.check.interval.ms",
            "http.max.request.bytes", "replica.lag.time.max.ms", "replica.fetch.wait.max.ms", "replica.fetch.min.bytes",
            "replica.fetch.max.bytes", "replica.fetch.response.max.bytes", "replica.fetch.backoff.ms",
            "replica.socket.timeout.ms", "auto.leader.rebalance.enable", "leader.imbalance.check.interval.seconds",
            "leader.imbalance.check.interval.ms", "controller.lease.ttl.ms");

    private final Map<String, String> values;

    private BrokerConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
        validate();
    }

    /** Reads a properties file. @throws ConfigException on a missing required or malformed value */
    public static BrokerConfig load(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        }
        return fromMap(propertiesToMap(props));
    }

    /** @throws ConfigException on a missing required or malformed value */
    public static BrokerConfig fromMap(Map<String, String> values) {
        return new BrokerConfig(values);
    }

    private static Map<String, String> propertiesToMap(Properties props) {
        Map<String, String> map = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(name -> map.put(name, props.getProperty(name).trim()));
        return map;
    }

    private void validate() {
        nodeId();
        logDir();
        kafkaListener();
        etcdEndpoints();
        RemoteLogManagerConfig.fromBrokerSettings(values);
        for (String key : values.keySet()) {
            if (!KNOWN.contains(key) && !RemoteLogManagerConfig.KEYS.contains(key)
                    && !io.sluice.broker.coordinator.group.GroupCoordinatorConfig.KEYS.contains(key)
                    && !io.sluice.broker.coordinator.lag.LagMetricsConfig.KEYS.contains(key)
                    && !key.startsWith("offsets.") && !key.startsWith("log.") && !key.contains(".max.") && !key.startsWith("min.")
                    && !key.startsWith("unclean.") && !key.startsWith("compression.") && !key.startsWith("message.")) {
                org.slf4j.LoggerFactory.getLogger(BrokerConfig.class).warn("unknown broker config '{}' is ignored", key);
            }
        }
    }

    /** @return {@code node.id} (or the legacy {@code broker.id}); required, ≥ 0 */
    public int nodeId() {
        String raw = values.getOrDefault("node.id", values.get("broker.id"));
        if (raw == null) {
            throw new ConfigException("node.id is required");
        }
        int id = parseInt("node.id", raw);
        if (id < 0) {
            throw new ConfigException("node.id", raw, "must be >= 0");
        }
        return id;
    }

    /** @return the first directory of {@code log.dirs} (or {@code log.dir}); required. One log dir per broker. */
    public Path logDir() {
        String raw = values.getOrDefault("log.dirs", values.get("log.dir"));
        if (raw == null || raw.isBlank()) {
            throw new ConfigException("log.dirs is required");
        }
        return Path.of(raw.split(",")[0].trim());
    }

    /** @return the Kafka listener to bind, from {@code listeners} (default {@code PLAINTEXT://127.0.0.1:9092}) */
    public Endpoint kafkaListener() {
        return Endpoint.parse("listeners", values.getOrDefault("listeners", "PLAINTEXT://127.0.0.1:9092"));
    }

    /** @return what clients are told to connect to ({@code advertised.listeners}, default the bound listener) */
    public Optional<Endpoint> advertisedListener() {
        return Optional.ofNullable(values.get("advertised.listeners")).map(v -> Endpoint.parse("advertised.listeners", v));
    }

    /** @return the HTTP listener ({@code http.listeners}, default {@code http://127.0.0.1:8080}; "none" disables) */
    public Optional<Endpoint> httpListener() {
        String raw = values.getOrDefault("http.listeners", "http://127.0.0.1:8080");
        return raw.isBlank() || raw.equals("none") ? Optional.empty() : Optional.of(Endpoint.parse("http.listeners", raw));
    }

    /** @return {@code etcd.endpoints}: comma-separated etcd client URLs; required */
    public List<String> etcdEndpoints() {
        String raw = values.get("etcd.endpoints");
        if (raw == null || raw.isBlank()) {
            throw new ConfigException("etcd.endpoints is required (e.g. http://127.0.0.1:2379)");
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** @return {@code etcd.namespace}, the etcd key root (default {@code /sluice}) */
    public String etcdNamespace() {
        return values.getOrDefault("etcd.namespace", "/sluice");
    }

    public Optional<String> rack() {
        return Optional.ofNullable(values.get("broker.rack")).filter(s -> !s.isBlank());
    }

    /** @return {@code num.partitions}, default 1 */
    public int numPartitions() {
        return intValue("num.partitions", 1);
    }

    /** @return {@code default.replication.factor}, default 1 */
    public short defaultReplicationFactor() {
        return (short) intValue("default.replication.factor", 1);
    }

    /** @return {@code auto.create.topics.enable}; Sluice defaults to false (Kafka: true) so typos do not create topics */
    public boolean autoCreateTopicsEnable() {
        return Boolean.parseBoolean(values.getOrDefault("auto.create.topics.enable", "false"));
    }

    /** @return {@code socket.request.max.bytes}, default 104857600 (100 MiB) */
    public int socketRequestMaxBytes() {
        return intValue("socket.request.max.bytes", 104_857_600);
    }

    /** @return {@code num.network.threads} (Netty event loops), default 3 */
    public int numNetworkThreads() {
        return intValue("num.network.threads", 3);
    }

    /** @return {@code num.io.threads} (request handlers), default 8 */
    public int numIoThreads() {
        return intValue("num.io.threads", 8);
    }

    /**
     * @return the log manager's schedule, Kafka names and defaults: {@code log.retention.check.interval.ms} 300000,
     *         {@code log.flush.offset.checkpoint.interval.ms} 60000, {@code log.flush.start.offset.checkpoint.interval.ms}
     *         60000, {@code log.flush.scheduler.interval.ms} Long.MAX_VALUE, {@code replica.high.watermark.checkpoint.interval.ms}
     *         5000, {@code producer.id.expiration.check.interval.ms} 600000, {@code log.initial.task.delay.ms} 30000
     */
    public LogManagerConfig logManagerConfig() {
        LogManagerConfig d = LogManagerConfig.defaults();
        return new LogManagerConfig(
                longValue("log.retention.check.interval.ms", d.retentionCheckIntervalMs()),
                longValue("log.flush.offset.checkpoint.interval.ms", d.flushCheckpointIntervalMs()),
                longValue("log.flush.start.offset.checkpoint.interval.ms", d.flushStartOffsetCheckpointIntervalMs()),
                longValue("log.flush.scheduler.interval.ms", d.flushSchedulerIntervalMs()),
                longValue("replica.high.watermark.checkpoint.interval.ms", d.highWatermarkCheckpointIntervalMs()),
                longValue("producer.id.expiration.check.interval.ms", d.producerIdExpirationCheckIntervalMs()),
                longValue("log.initial.task.delay.ms", d.initialTaskDelayMs()));
    }

    /** @return {@code replica.lag.time.max.ms} (30000): a follower not caught up for this long leaves the ISR */
    public long replicaLagTimeMaxMs() {
        return longValue("replica.lag.time.max.ms", 30_000L);
    }

    /** @return the follower fetch settings ({@code replica.fetch.*}, Kafka's defaults) */
    public FetcherConfig fetcherConfig() {
        FetcherConfig d = FetcherConfig.defaults();
        return new FetcherConfig(intValue("replica.fetch.wait.max.ms", d.fetchMaxWaitMs()),
                intValue("replica.fetch.min.bytes", d.fetchMinBytes()),
                intValue("replica.fetch.max.bytes", d.fetchMaxBytes()),
                intValue("replica.fetch.response.max.bytes", d.fetchResponseMaxBytes()),
                longValue("replica.fetch.backoff.ms", d.fetchBackoffMs()),
                intValue("replica.socket.timeout.ms", d.socketTimeoutMs()));
    }

    /** @return {@code broker.session.timeout.ms}: the etcd lease TTL of the broker's registration, default 9000 */
    public long brokerSessionTimeoutMs() {
        return longValue("broker.session.timeout.ms", 9_000L);
    }

    /**
     * @return the tiered-storage settings ({@code remote.log.storage.system.enable},
     *         {@code remote.log.manager.task.interval.ms}, {@code remote.log.manager.copy.max.inflight},
     *         {@code sluice.s3.*}); see {@link RemoteLogManagerConfig}
     */
    public RemoteLogManagerConfig remoteLogManagerConfig() {
        return RemoteLogManagerConfig.fromBrokerSettings(values);
    }

    /** @return every setting as given */
    public Map<String, String> originals() {
        return values;
    }

    private int intValue(String key, int defaultValue) {
        String raw = values.get(key);
        return raw == null ? defaultValue : parseInt(key, raw);
    }

    private long longValue(String key, long defaultValue) {
        String raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, raw, "not a number");
        }
    }

    private static int parseInt(String key, String raw) {
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, raw, "not an integer");
        }
    }

    /**
     * A listener address such as {@code PLAINTEXT://127.0.0.1:9092} or {@code http://127.0.0.1:8080}.
     *
     * @param scheme listener name or scheme ({@code PLAINTEXT}, {@code http})
     * @param host   host to bind or advertise; empty in the config means all interfaces ({@code 0.0.0.0})
     * @param port   port, 0 for "pick a free port"
     */
    public record Endpoint(String scheme, String host, int port) {
        static Endpoint parse(String key, String raw) {
            String first = raw.split(",")[0].trim();
            try {
                URI uri = URI.create(first);
                if (uri.getScheme() == null || uri.getPort() < 0) {
                    throw new ConfigException(key, raw, "expected SCHEME://HOST:PORT");
                }
                String scheme = uri.getScheme();
                if (!scheme.equalsIgnoreCase("PLAINTEXT") && !scheme.equalsIgnoreCase("http")) {
                    throw new ConfigException(key, raw, "only PLAINTEXT (Kafka) and http (HTTP API) listeners are supported");
                }
                String host = uri.getHost() == null ? "0.0.0.0" : uri.getHost();
                return new Endpoint(scheme, host, uri.getPort());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, raw, "expected SCHEME://HOST:PORT");
            }
        }

        @Override
        public String toString() {
            return scheme + "://" + host + ":" + port;
        }
    }
}
