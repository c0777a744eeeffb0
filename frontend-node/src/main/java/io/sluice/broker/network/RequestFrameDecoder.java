package io.sluice.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits the inbound byte stream into Kafka request frames.
 *
 * <p>A Kafka frame is a 4-byte big-endian size followed by that many bytes (the Kafka protocol guide,
 * "Common Request and Response Structure"). A negative size or one above {@code socket.request.max.bytes}
 * (default 104857600) raises {@link CorruptedFrameException}; the connection handler then closes this
 * connection only. Each complete frame is copied once into a heap {@link ByteBuffer} so that the parsed request,
 * including the produce records that alias it, owns its memory independently of Netty's pooled buffers.
 */
public final class RequestFrameDecoder extends ByteToMessageDecoder {
    private final int maxRequestBytes;

    /** @param maxRequestBytes the largest frame body accepted, in bytes ({@code socket.request.max.bytes}) */
    public RequestFrameDecoder(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Integer.BYTES) {
            int size = in.getInt(in.readerIndex());
            if (size < 0 || size > maxRequestBytes) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("request size " + size + " is outside [0, socket.request.max.bytes="
                        + maxRequestBytes + "]");
            }
            if (in.readableBytes() < Integer.BYTES + size) {
                return;
            }
            in.skipBytes(Integer.BYTES);
            ByteBuffer frame = ByteBuffer.allocate(size);
            in.readBytes(frame);
            frame.flip();
            out.add(frame);
        }
    }
}
