package io.sluice.metadata.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder that a test can cut and restore, to make a client lose its connection to etcd while etcd
 * stays up for everyone else. {@link #cut()} closes every connection and stops listening; {@link #restore()} listens
 * again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile ServerSocket server;
    private volatile int port;

    private TcpProxy(int targetPort) {
        this.targetPort = targetPort;
    }

    /** Starts forwarding a free local port to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy start(int targetPort) {
        TcpProxy proxy = new TcpProxy(targetPort);
        proxy.listen(0);
        return proxy;
    }

    /** Starts forwarding to the port of an {@code http://host:port} endpoint. */
    public static TcpProxy forEndpoint(String endpoint) {
        return start(java.net.URI.create(endpoint).getPort());
    }

    /** The URL of the proxy for an {@code http://127.0.0.1:<targetPort>} endpoint. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    private void listen(int onPort) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            server = s;
            port = s.getLocalPort();
            Thread acceptor = new Thread(() -> acceptLoop(s), "tcp-proxy-accept-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                if (!register(s, client)) {
                    return;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                if (!register(s, upstream)) {
                    closeQuietly(client);
                    return;
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // closed by cut() or close(), or the target refused: the client sees a reset
            }
        }
    }

    /**
     * Tracks a socket of a connection accepted on {@code s}, unless {@link #cut()} closed {@code s} meanwhile (then
     * the socket is closed: a connection accepted just before a cut must not survive it).
     */
    private boolean register(ServerSocket s, Socket socket) {
        synchronized (lock) {
            if (s.isClosed()) {
                closeQuietly(socket);
                return false;
            }
            sockets.add(socket);
            return true;
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Closes every connection and stops accepting new ones. */
    public void cut() {
        synchronized (lock) {
            closeQuietly(server);
            for (Socket socket : Set.copyOf(sockets)) {
                closeQuietly(socket);
                sockets.remove(socket);
            }
        }
    }

    /** Accepts connections again on the same port. */
    public void restore() {
        listen(port);
    }

    @Override
    public void close() {
        cut();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception e) {
            // ignore
        }
    }
}
