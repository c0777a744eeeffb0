package io.sluice.broker.coordinator;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A consumer application in a child JVM, so a test can crash it for real (SIGKILL): no LeaveGroup, no last commit,
 * no more heartbeats, exactly what a dead machine looks like to the coordinator.
 *
 * <p>The child ({@link #main}) subscribes with a group id, polls, and after each non-empty poll sleeps
 * {@code pollDelayMs} ("processing") and then {@code commitSync()}s. It reports on stdout, one line each:
 * {@code assigned <p,p,...>} (partition numbers, after each assignment), {@code consumed <partition> <offset>} per
 * record, {@code committed} after each successful commit. {@link #start} launches it with this JVM's java and class
 * path; the parent collects the lines.
 */
final class ChildConsumer implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildConsumer(Process process) {
        this.process = process;
        this.reader = new Thread(this::readLines, "child-consumer-output");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Launches a child consumer.
     *
     * @param sessionTimeoutMs its {@code session.timeout.ms} (heartbeats every tenth of it)
     * @param maxPollRecords   its {@code max.poll.records}
     * @param pollDelayMs      how long it "processes" each non-empty poll before committing
     */
    static ChildConsumer start(String bootstrapServers, String groupId, String topic, int sessionTimeoutMs,
                               int maxPollRecords, int pollDelayMs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ChildConsumer.class.getName(), bootstrapServers,
                groupId, topic, Integer.toString(sessionTimeoutMs), Integer.toString(maxPollRecords),
                Integer.toString(pollDelayMs));
        builder.redirectErrorStream(true);
        return new ChildConsumer(builder.start());
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** @return every line the child printed so far */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** @return how many commits the child reported */
    long commits() {
        return lines().stream().filter("committed"::equals).count();
    }

    /** @return the partitions of its latest {@code assigned} line (empty before any) */
    Set<Integer> assignment() {
        List<String> all = lines();
        for (int i = all.size() - 1; i >= 0; i--) {
            String line = all.get(i);
            if (line.startsWith("assigned ")) {
                String list = line.substring("assigned ".length()).trim();
                return list.isEmpty() ? Set.of() : java.util.Arrays.stream(list.split(",")).map(Integer::parseInt)
                        .collect(Collectors.toSet());
            }
        }
        return Set.of();
    }

    /** @return every (partition, offset) the child reported consuming, per partition */
    Map<Integer, Set<Long>> consumedOffsets() {
        Map<Integer, Set<Long>> consumed = new ConcurrentHashMap<>();
        for (String line : lines()) {
            if (line.startsWith("consumed ")) {
                String[] parts = line.split(" ");
                consumed.computeIfAbsent(Integer.parseInt(parts[1]), p -> ConcurrentHashMap.newKeySet())
                        .add(Long.parseLong(parts[2]));
            }
        }
        return consumed;
    }

    /**
     * SIGKILL: the consumer dies without leaving its group or committing. Waits until the process is gone and every
     * line it printed has been read.
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child consumer did not die");
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        List<String> all = lines();
        return "ChildConsumer(alive " + process.isAlive() + ", " + all.size() + " lines, last "
                + all.subList(Math.max(0, all.size() - 5), all.size()) + ")";
    }

    // ------------------------------------------------------------------ the child

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        String group = args[1];
        String topic = args[2];
        int sessionTimeoutMs = Integer.parseInt(args[3]);
        int maxPollRecords = Integer.parseInt(args[4]);
        int pollDelayMs = Integer.parseInt(args[5]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, Object> props = ConsumerThread.properties(bootstrap, group, Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(100, sessionTimeoutMs / 10),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    out.println("assigned " + consumer.assignment().stream().map(tp -> Integer.toString(tp.partition()))
                            .sorted().collect(Collectors.joining(",")));
                }
            });
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                StringBuilder batch = new StringBuilder();
                for (ConsumerRecord<String, String> record : records) {
                    batch.append("consumed ").append(record.partition()).append(' ').append(record.offset())
                            .append('\n');
                }
                out.print(batch);
                out.flush();
                Thread.sleep(pollDelayMs);
                consumer.commitSync();
                out.println("committed");
            }
        }
    }
}
