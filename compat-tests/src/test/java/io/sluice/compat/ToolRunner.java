package io.sluice.compat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs Kafka's command-line tools, unchanged, each in its own JVM on this module's test class path (which holds
 * {@code kafka-tools}, {@code kafka_2.13} and their dependencies, like a Kafka distribution's {@code libs/}), the
 * way {@code bin/kafka-run-class.sh} does. Logging follows {@code log4j2-test.xml} on that class path: WARN and
 * above to stderr, as Kafka's {@code config/tools-log4j2.yaml}.
 *
 * <p>Each run's stdout and stderr go to files under the work directory ({@code NNN-<script>.out}/{@code .err}), kept
 * for post-mortems. A run that outlives its timeout is killed (SIGKILL) and reported as an {@link AssertionError}
 * carrying what it printed so far. Not thread-safe: one test thread runs tools one after another (a tool
 * {@linkplain #start started} in the background keeps running meanwhile).
 */
final class ToolRunner {
    /** Short-lived JVMs: C1 only and the serial collector start fastest; the tools need little heap. */
    private static final List<String> JVM_OPTIONS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private final Path workDir;
    private final Duration timeout;
    private final String classpath;
    private final AtomicInteger runs = new AtomicInteger();

    /**
     * @param workDir directory for the tools' working directory and output files
     * @param timeout how long one tool may run before it is killed
     */
    ToolRunner(Path workDir, Duration timeout) {
        this.workDir = workDir;
        this.timeout = timeout;
        this.classpath = System.getProperty("java.class.path");
    }

    /** Runs {@code tool} with {@code args} and an empty, closed stdin. */
    ToolResult run(KafkaTool tool, String... args) {
        return runWithInput(tool, "", args);
    }

    /**
     * Runs {@code tool} with {@code args}, writing {@code stdin} (UTF-8) to its standard input and then closing it
     * (end of input, as when a file is piped in), and waits for it to exit.
     *
     * @throws AssertionError when the tool does not exit within the timeout (it is killed first)
     */
    ToolResult runWithInput(KafkaTool tool, String stdin, String... args) {
        RunningTool running = launch(tool, stdin, args);
        try {
            return running.awaitExit(timeout);
        } finally {
            running.close();
        }
    }

    /**
     * Starts {@code tool} with {@code args} and an empty, closed stdin, and returns while it runs: for a tool that runs
     * until it is stopped, such as a console consumer without {@code --max-messages} that stays in its group. Stop it
     * with {@link RunningTool#stop()} (SIGTERM, as Ctrl-C); closing the handle kills it if it still runs.
     */
    RunningTool start(KafkaTool tool, String... args) {
        return launch(tool, "", args);
    }

    private RunningTool launch(KafkaTool tool, String stdin, String... args) {
        String name = String.format("%03d-%s", runs.incrementAndGet(), tool.scriptName());
        Path out = workDir.resolve(name + ".out");
        Path err = workDir.resolve(name + ".err");
        String command = tool.scriptName() + " " + String.join(" ", args);
        try {
            Process process = new ProcessBuilder(commandLine(tool, args))
                    .directory(workDir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            RunningTool running = new RunningTool(process, command, out, err, timeout);
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                running.close();
                throw e;
            }
            return running;
        } catch (IOException e) {
            throw new AssertionError("Could not run " + command, e);
        }
    }

    private List<String> commandLine(KafkaTool tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(classpath);
        command.add(tool.mainClass());
        command.addAll(List.of(args));
        return command;
    }

    /** The {@code java} launcher of the JVM running the tests. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
