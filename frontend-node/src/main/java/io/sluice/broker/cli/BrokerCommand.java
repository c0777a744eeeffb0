package io.sluice.broker.cli;

import io.sluice.broker.Broker;
import io.sluice.broker.config.BrokerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code sluice broker --config FILE [--override key=value ...]}: runs one broker until SIGTERM or SIGINT. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run one broker against an external etcd (production).")
final class BrokerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerCommand.class);

    @Option(names = "--config", required = true, description = "broker properties file (Kafka config names)")
    private Path configFile;

    @Option(names = "--override", description = "key=value that overrides the file (repeatable)")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        BrokerConfig fileConfig = BrokerConfig.load(configFile);
        Map<String, String> merged = new LinkedHashMap<>(fileConfig.originals());
        merged.putAll(overrides);
        BrokerConfig config = BrokerConfig.fromMap(merged);
        Broker broker;
        try {
            broker = Broker.start(config);
        } catch (Exception e) {
            LOG.error("broker {} failed to start: {}", config.nodeId(), e.toString(), e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "sluice-shutdown"));
        stopped.await();
        return 0;
    }
}
