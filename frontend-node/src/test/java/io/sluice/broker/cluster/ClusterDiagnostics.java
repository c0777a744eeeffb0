package io.sluice.broker.cluster;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Prints the cluster's state (brokers, partition states in etcd) and the tail of every broker's output when a test
 * fails, so a failure report says what the brokers were doing. Register it on the test class:
 *
 * <pre>{@code
 * static SluiceCluster cluster;
 * @RegisterExtension
 * final ClusterDiagnostics diagnostics = new ClusterDiagnostics(() -> cluster);
 * }</pre>
 *
 * Output goes to stderr (Surefire keeps it in {@code target/surefire-reports/<class>-output.txt}).
 */
public final class ClusterDiagnostics implements TestWatcher {
    private static final int TAIL_LINES = 80;
    private final Supplier<SluiceCluster> cluster;

    public ClusterDiagnostics(Supplier<SluiceCluster> cluster) {
        this.cluster = cluster;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        SluiceCluster c = cluster.get();
        if (c == null) {
            return;
        }
        System.err.println("===== " + context.getDisplayName() + " failed: " + cause + "\n" + c.describe()
                + c.logTails(TAIL_LINES) + "===== end of cluster diagnostics");
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        testFailed(context, cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // nothing ran
    }
}
