package io.sluice.broker.network;

import io.sluice.broker.concurrent.SerialExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.ReferenceCountUtil;
import io.sluice.broker.protocol.ApiDispatcher;
import io.sluice.broker.protocol.RequestContext;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One Kafka client connection: parses request frames on the event loop, runs their handlers in arrival order on
 * the request-handler pool, and writes responses strictly in request order (the Kafka protocol guarantees a
 * client that responses on a connection arrive in the order it sent the requests).
 *
 * <p>Malformed input (a header or body that does not parse, an API or version not served, trailing bytes) closes
 * this connection only, logged once. The exception is ApiVersions at an unsupported version, which is answered
 * with a version-0 {@code UNSUPPORTED_VERSION} response listing the served versions, as KIP-511 prescribes.
 *
 * <p>Back-pressure: the handler stops reading from the socket while more than {@value #MAX_IN_FLIGHT} responses
 * are outstanding or while the socket is not writable (a slow reader), so one client cannot exhaust the broker.
 */
public final class KafkaConnectionHandler extends SimpleChannelInboundHandler<ByteBuffer> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnectionHandler.class);
    static final int MAX_IN_FLIGHT = 64;
    private static final Object NO_RESPONSE = new Object();

    private final ApiDispatcher dispatcher;
    private final SerialExecutor serial;
    private final RequestObserver observer;
    private final Map<Long, Object> completed = new HashMap<>();
    private long nextSequence;
    private long nextToWrite;
    private ChannelHandlerContext ctx;

    public KafkaConnectionHandler(ApiDispatcher dispatcher, Executor requestHandlerPool, RequestObserver observer) {
        this.dispatcher = dispatcher;
        this.serial = new SerialExecutor("request", requestHandlerPool);
        this.observer = observer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuffer frame) {
        long receivedNanos = System.nanoTime();
        int frameSize = frame.remaining();
        RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            closeMalformed("unparseable request header: " + e.getMessage());
            return;
        }
        RequestContext context = new RequestContext(header, (InetSocketAddress) ctx.channel().remoteAddress(),
                receivedNanos, frameSize);
        if (header.apiKey() == ApiKeys.API_VERSIONS && !dispatcher.supports(ApiKeys.API_VERSIONS, header.apiVersion())) {
            long sequence = nextSequence++;
            ApiVersionsResponseData unsupported = new ApiVersionsResponseData()
                    .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                    .setApiKeys(dispatcher.apiVersions());
            complete(sequence, context, unsupported, (short) 0);
            return;
        }
        if (!dispatcher.supports(header.apiKey(), header.apiVersion())) {
            closeMalformed("unsupported API " + header.apiKey() + " v" + header.apiVersion());
            return;
        }
        AbstractRequest request;
        try {
            ByteBufferAccessor body = new ByteBufferAccessor(frame);
            request = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(), body).request;
            if (frame.hasRemaining()) {
                throw new IllegalArgumentException(frame.remaining() + " trailing bytes");
            }
        } catch (RuntimeException e) {
            closeMalformed("malformed " + header.apiKey() + " v" + header.apiVersion() + " request: " + e.getMessage());
            return;
        }
        long sequence = nextSequence++;
        if (nextSequence - nextToWrite > MAX_IN_FLIGHT) {
            ctx.channel().config().setAutoRead(false);
        }
        serial.execute(() -> dispatcher.dispatch(context, request)
                .whenComplete((response, error) -> complete(sequence, context, response, header.apiVersion())));
    }

    private void complete(long sequence, RequestContext context, ApiMessage response, short version) {
        Object encoded = NO_RESPONSE;
        long responseBytes = 0;
        boolean ok = true;
        if (response != null) {
            try {
                List<Object> parts = ResponseSerializer.serialize(ctx.alloc(), context.header().correlationId(),
                        context.apiKey().responseHeaderVersion(version), response, version);
                encoded = parts;
                responseBytes = sizeOf(parts);
            } catch (RuntimeException e) {
                LOG.error("failed to serialise {} v{} response; closing connection {}", context.apiKey(), version,
                        ctx.channel().remoteAddress(), e);
                ok = false;
                ctx.channel().close();
            }
        }
        observer.onRequestCompleted(context.apiKey(), ok, System.nanoTime() - context.receivedNanos(),
                context.sizeInBytes(), responseBytes);
        Object result = encoded;
        if (ctx.executor().inEventLoop()) {
            writeInOrder(sequence, result);
        } else {
            ctx.executor().execute(() -> writeInOrder(sequence, result));
        }
    }

    private void writeInOrder(long sequence, Object result) {
        completed.put(sequence, result);
        boolean wrote = false;
        Object next;
        while ((next = completed.remove(nextToWrite)) != null) {
            nextToWrite++;
            if (next instanceof List<?> parts) {
                if (ctx.channel().isActive()) {
                    for (Object part : parts) {
                        ctx.write(part, ctx.voidPromise());
                    }
                    wrote = true;
                } else {
                    parts.forEach(ReferenceCountUtil::safeRelease);
                }
            }
        }
        if (wrote) {
            ctx.flush();
        }
        maybeResumeReading();
    }

    private void maybeResumeReading() {
        boolean canRead = nextSequence - nextToWrite <= MAX_IN_FLIGHT && ctx.channel().isWritable();
        if (canRead && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        } else {
            maybeResumeReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        completed.values().forEach(v -> {
            if (v instanceof List<?> parts) {
                parts.forEach(ReferenceCountUtil::safeRelease);
            }
        });
        completed.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeMalformed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    private void closeMalformed(String reason) {
        if (ctx.channel().isOpen()) {
            LOG.warn("closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
            ctx.channel().close();
        }
    }

    private static long sizeOf(List<Object> parts) {
        long n = 0;
        for (Object part : parts) {
            if (part instanceof ByteBuf buf) {
                n += buf.readableBytes();
            } else if (part instanceof FileRegion region) {
                n += region.count();
            }
        }
        return n;
    }
}
