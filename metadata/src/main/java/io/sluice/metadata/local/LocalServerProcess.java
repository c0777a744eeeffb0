package io.sluice.metadata.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local server run as a child process for the dev launcher and tests (etcd, S3Proxy): started with its output
 * appended to a log file, awaited until a readiness probe passes, retried on another free port when a picked port
 * was taken meanwhile, and stopped (SIGTERM, then SIGKILL after 5 s) on {@link #stop()} or by a JVM shutdown hook if
 * the JVM exits first. Only the process it started is ever signalled.
 */
public final class LocalServerProcess {
    private static final int PORT_ATTEMPTS = 3;

    /** Prepares one start attempt (picks ports, writes configuration) and returns the command line to run. */
    @FunctionalInterface
    public interface Launch {
        List<String> prepare() throws IOException;
    }

    /** One readiness check; an {@link IOException} means "not listening yet". */
    @FunctionalInterface
    public interface Probe {
        boolean ready() throws IOException, InterruptedException;
    }

    private final Process process;
    private Thread shutdownHook;

    private LocalServerProcess(Process process, String name) {
        this.process = process;
        this.shutdownHook = new Thread(() -> destroy(process), "local-" + name + "-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts the server and waits until {@code probe} passes.
     *
     * @param name               for messages ("etcd", "S3Proxy")
     * @param logFile            receives the process's stdout and stderr (appended)
     * @param portsPicked        true if {@code launch} picks free ports: a bind failure is then retried (3 attempts)
     * @param startupTimeout     how long the probe may take to pass
     * @throws IllegalStateException if the process exits or is not ready in time; the message ends with the tail of
     *                               the log
     * @throws IOException           if the process cannot be started
     */
    public static LocalServerProcess start(String name, Path logFile, boolean portsPicked, Duration startupTimeout,
                                           Launch launch, Probe probe) throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<String> command = launch.prepare();
            long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
            Process started = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            LocalServerProcess server = new LocalServerProcess(started, name.toLowerCase(java.util.Locale.ROOT));
            try {
                server.awaitReady(name, startupTimeout, probe);
                return server;
            } catch (IllegalStateException e) {
                server.stop();
                String log = logSince(logFile, logOffset);
                if (portsPicked && attempt < PORT_ATTEMPTS && log.toLowerCase(java.util.Locale.ROOT)
                        .contains("address already in use")) {
                    continue;
                }
                throw new IllegalStateException(e.getMessage() + "\n--- end of " + logFile + " ---\n" + tail(log, 20), e);
            }
        }
    }

    private void awaitReady(String name, Duration timeout, Probe probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with code " + process.exitValue() + " during startup");
                }
                try {
                    if (probe.ready()) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toMillis() + " ms");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s) and removes the shutdown hook. Idempotent. */
    public void stop() {
        destroy(process);
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down; the hook runs anyway
            }
            shutdownHook = null;
        }
    }

    private static void destroy(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** @return a port free on the loopback interface now (it may be taken before it is used) */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String logSince(Path logFile, long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static String tail(String log, int lines) {
        String[] all = log.split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
