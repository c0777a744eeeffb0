package io.sluice.broker.network;

import io.netty.buffer.ByteBufAllocator;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

import java.util.List;

/**
 * Encodes a response frame: 4-byte size, the response header, then the body, sized first with one
 * {@link ObjectSerializationCache} as Kafka's own {@code SendBuilder} does. Record sets stored in files become
 * zero-copy {@link io.netty.channel.FileRegion}s (see {@link OutboundParts}).
 */
final class ResponseSerializer {
    private ResponseSerializer() {
    }

    /**
     * @param correlationId  the request's correlation id, echoed in the header
     * @param headerVersion  the response header version ({@code ApiKeys.responseHeaderVersion(apiVersion)})
     * @param body           the response body
     * @param apiVersion     the version the body is written in (the request's version)
     * @return Netty messages ({@code ByteBuf}s and {@code FileRegion}s) to write in order
     */
    static List<Object> serialize(ByteBufAllocator allocator, int correlationId, short headerVersion,
                                  ApiMessage body, short apiVersion) {
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, apiVersion);
        OutboundParts out = new OutboundParts(allocator, Integer.BYTES + size.sizeExcludingZeroCopy());
        try {
            out.writeInt(size.totalSize());
            header.write(out, cache, headerVersion);
            body.write(out, cache, apiVersion);
            return out.parts();
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
