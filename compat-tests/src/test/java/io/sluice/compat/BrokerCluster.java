package io.sluice.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Several Sluice broker processes ({@link SluiceBrokerProcess}) forming one cluster: node ids 1 to N sharing one etcd
 * namespace, each in its own directory {@code broker-<id>} under the given directory. Kafka's tools reach it through
 * {@link #bootstrapServers()}, as users pass every broker of a cluster to {@code --bootstrap-server}.
 */
final class BrokerCluster implements AutoCloseable {
    private final List<SluiceBrokerProcess> brokers;

    private BrokerCluster(List<SluiceBrokerProcess> brokers) {
        this.brokers = brokers;
    }

    /**
     * Starts {@code size} brokers one after another, each ready ({@code GET /readyz} 200) before the next starts.
     *
     * @param etcdEndpoint the etcd client URL
     * @param namespace    an etcd key root no other cluster or test uses
     * @param directory    a directory for the brokers' directories
     * @param size         the number of brokers (node ids 1 to {@code size})
     * @throws IllegalStateException as {@link SluiceBrokerProcess#start}; the brokers already started are stopped
     */
    static BrokerCluster start(String etcdEndpoint, String namespace, Path directory, int size) throws IOException {
        return start(etcdEndpoint, namespace, directory, size, Map.of());
    }

    /**
     * As {@link #start(String, String, Path, int)}, with {@code overrides} (Kafka's key names) added to every broker's
     * config.
     */
    static BrokerCluster start(String etcdEndpoint, String namespace, Path directory, int size,
                               Map<String, String> overrides) throws IOException {
        List<SluiceBrokerProcess> started = new ArrayList<>();
        BrokerCluster cluster = new BrokerCluster(started);
        try {
            for (int id = 1; id <= size; id++) {
                started.add(SluiceBrokerProcess.start(etcdEndpoint, namespace,
                        Files.createDirectories(directory.resolve("broker-" + id)), id, overrides));
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The brokers in node id order. */
    List<SluiceBrokerProcess> brokers() {
        return List.copyOf(brokers);
    }

    /** {@code 127.0.0.1:<port>,...} of every broker, the value for a Kafka tool's {@code --bootstrap-server}. */
    String bootstrapServers() {
        return brokers.stream().map(SluiceBrokerProcess::bootstrapServer).collect(Collectors.joining(","));
    }

    /** {@code args} preceded by {@code --bootstrap-server} {@link #bootstrapServers()}. */
    String[] withBootstrap(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    /** Stops every broker: SIGTERM to all at once, then waits for each (SIGKILL after 30 s). */
    @Override
    public void close() {
        brokers.forEach(SluiceBrokerProcess::beginStop);
        brokers.forEach(SluiceBrokerProcess::close);
    }
}
