package io.sluice.broker;

import org.apache.kafka.common.errors.InconsistentClusterIdException;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The log directory's {@code meta.properties} (Kafka's format, version 1: {@code version}, {@code cluster.id},
 * {@code node.id}). Written on first start; on later starts it must match, so a disk never joins the wrong
 * cluster or serves under another broker's id.
 */
final class MetaProperties {
    static final String FILE_NAME = "meta.properties";

    private MetaProperties() {
    }

    /**
     * @throws InconsistentClusterIdException if the directory belongs to another cluster
     * @throws IllegalStateException          if the directory belongs to another node id
     */
    static void ensure(Path logDir, String clusterId, int nodeId) throws IOException {
        Files.createDirectories(logDir);
        Path file = logDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            }
            String existingCluster = props.getProperty("cluster.id");
            String existingNode = props.getProperty("node.id");
            if (existingCluster != null && !existingCluster.equals(clusterId)) {
                throw new InconsistentClusterIdException("log dir " + logDir + " belongs to cluster " + existingCluster
                        + ", but etcd holds cluster " + clusterId);
            }
            if (existingNode != null && !existingNode.equals(Integer.toString(nodeId))) {
                throw new IllegalStateException("log dir " + logDir + " belongs to node.id " + existingNode
                        + ", but this broker is node.id " + nodeId);
            }
            return;
        }
        Properties props = new Properties();
        props.setProperty("version", "1");
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", Integer.toString(nodeId));
        Path tmp = logDir.resolve(FILE_NAME + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp)) {
            props.store(writer, null);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
