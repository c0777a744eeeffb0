package io.sluice.broker.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

import java.net.InetSocketAddress;

/**
 * What a handler knows about the request besides its body: the header (api key, version, client id, correlation
 * id), the peer's address, and when the request frame was received.
 *
 * @param header          the parsed request header
 * @param clientAddress   the remote socket address of the connection
 * @param receivedNanos   {@link System#nanoTime()} when the frame was decoded, for latency metrics
 * @param sizeInBytes     the request frame size in bytes, without the 4-byte size prefix
 */
public record RequestContext(RequestHeader header, InetSocketAddress clientAddress, long receivedNanos, int sizeInBytes) {
    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
