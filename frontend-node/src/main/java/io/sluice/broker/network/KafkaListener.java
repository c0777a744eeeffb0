package io.sluice.broker.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.sluice.broker.protocol.ApiDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;

/**
 * The Kafka protocol listener: a Netty server (epoll where available) whose pipeline is
 * {@link RequestFrameDecoder} → {@link KafkaConnectionHandler}. Event-loop threads only decode and encode;
 * handlers run on the request-handler pool ({@code num.io.threads}).
 */
public final class KafkaListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaListener.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;

    private KafkaListener(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel) {
        this.bossGroup = boss;
        this.workerGroup = workers;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds the listener.
     *
     * @param address          host and port to bind (port 0 picks a free port; see {@link #boundAddress()})
     * @param networkThreads   event-loop threads ({@code num.network.threads})
     * @param maxRequestBytes  {@code socket.request.max.bytes}
     * @param requestHandlers  the request-handler pool
     * @throws InterruptedException if interrupted while binding
     */
    public static KafkaListener bind(InetSocketAddress address, int networkThreads, int maxRequestBytes,
                                     ApiDispatcher dispatcher, ExecutorService requestHandlers,
                                     RequestObserver observer) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(networkThreads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 8 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", new RequestFrameDecoder(maxRequestBytes));
                        ch.pipeline().addLast("kafka", new KafkaConnectionHandler(dispatcher, requestHandlers, observer));
                    }
                });
        try {
            Channel channel = bootstrap.bind(address).sync().channel();
            LOG.info("Kafka listener bound address={} transport={}", channel.localAddress(), epoll ? "epoll" : "nio");
            return new KafkaListener(boss, workers, channel);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /** @return the bound address (with the real port when bound to port 0) */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
