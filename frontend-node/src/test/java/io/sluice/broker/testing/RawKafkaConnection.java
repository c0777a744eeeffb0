package io.sluice.broker.testing;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A bare Kafka protocol connection for tests that must send exactly the bytes they choose: the same batch twice
 * (idempotent retries), a corrupt CRC, a malformed frame or an oversized size prefix. Blocking, one request at a
 * time.
 */
public final class RawKafkaConnection implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawKafkaConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a request built by kafka-clients and returns the parsed response. */
    public AbstractResponse send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test", ++correlationId);
        ByteBuffer buffer = request.serializeWithHeader(header);
        writeFrame(buffer);
        ByteBuffer response = readFrame();
        return AbstractResponse.parseResponse(response, header);
    }

    /** Sends a request whose response the caller does not read (acks=0). */
    public void sendNoResponse(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test", ++correlationId);
        writeFrame(request.serializeWithHeader(header));
    }

    /** Writes a size-prefixed frame holding {@code payload}. */
    public void writeFrame(ByteBuffer payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.remaining());
        frame.putInt(payload.remaining()).put(payload.duplicate()).flip();
        writeRaw(frame.array(), frame.arrayOffset(), frame.remaining());
    }

    /** Writes bytes as they are, without a size prefix. */
    public void writeRaw(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
    }

    /** Reads one size-prefixed frame. */
    public ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    /** @return true if the broker closed the connection (a read returns end of stream or a reset) */
    public boolean isClosedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    public int nextCorrelationId() {
        return correlationId + 1;
    }

    public static RequestHeader header(ApiKeys key, short version, int correlationId) {
        return new RequestHeader(key, version, "raw-test", correlationId);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
