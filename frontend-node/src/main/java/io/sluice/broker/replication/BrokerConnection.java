package io.sluice.broker.replication;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;

/**
 * A blocking Kafka-protocol connection from this broker to another (a follower's fetcher to its leader): one
 * request at a time, each answered before the next is sent. Not thread-safe; owned by one fetcher thread.
 */
final class BrokerConnection implements AutoCloseable {
    private final SocketChannel channel;
    private final ReadableByteChannel in;
    private final String clientId;
    private int correlationId;

    /**
     * @param connectTimeoutMs connect timeout in milliseconds
     * @param readTimeoutMs    how long one response may take, in milliseconds (a long-polling fetch's
     *                         {@code max_wait_ms} plus a margin)
     * @throws IOException if the connection cannot be made
     */
    BrokerConnection(InetSocketAddress address, String clientId, int connectTimeoutMs, int readTimeoutMs)
            throws IOException {
        this.clientId = clientId;
        this.channel = SocketChannel.open();
        try {
            Socket socket = channel.socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, connectTimeoutMs);
            socket.setSoTimeout(readTimeoutMs);
            // A socket's read timeout applies to its stream, not to the channel's own read().
            this.in = Channels.newChannel(socket.getInputStream());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Sends {@code request} and waits for its response.
     *
     * @throws IOException on a connection failure or timeout; the connection is then unusable
     */
    AbstractResponse send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
        ByteBuffer payload = request.serializeWithHeader(header);
        ByteBuffer size = ByteBuffer.allocate(4).putInt(payload.remaining()).flip();
        while (size.hasRemaining() || payload.hasRemaining()) {
            channel.write(new ByteBuffer[]{size, payload});
        }
        ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
        readFully(sizeBuffer);
        int responseSize = sizeBuffer.flip().getInt();
        if (responseSize < 0) {
            throw new IOException("negative response size " + responseSize);
        }
        ByteBuffer response = ByteBuffer.allocate(responseSize);
        readFully(response);
        response.flip();
        return AbstractResponse.parseResponse(response, header);
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        try {
            while (buffer.hasRemaining()) {
                if (in.read(buffer) < 0) {
                    throw new EOFException("connection closed by the peer");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("timed out waiting for a response", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
