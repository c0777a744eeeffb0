package io.sluice.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.TransferableRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kafka {@link Writable} that serialises a response into Netty buffers and, for record sets that live in
 * segment files, into {@link FileRegion}s so that fetched log bytes go from the page cache to the socket with
 * {@code sendfile} instead of being copied through the heap.
 *
 * <p>Usage: write the whole message, then take {@link #parts()} and write them to the channel in order. Ownership
 * of the buffers and regions passes to the caller (Netty releases them once written).
 */
final class OutboundParts implements Writable {
    private final ByteBufAllocator allocator;
    private final List<Object> parts = new ArrayList<>(3);
    private ByteBuf current;

    OutboundParts(ByteBufAllocator allocator, int expectedInlineBytes) {
        this.allocator = allocator;
        this.current = allocator.buffer(Math.max(expectedInlineBytes, 16));
    }

    /** @return the buffers and file regions written so far, in order; this writer must not be used afterwards */
    List<Object> parts() {
        flushCurrent();
        return parts;
    }

    /** Releases everything written so far; used when serialisation fails half-way. */
    void release() {
        flushCurrent();
        for (Object part : parts) {
            io.netty.util.ReferenceCountUtil.safeRelease(part);
        }
        parts.clear();
    }

    private void flushCurrent() {
        if (current != null) {
            if (current.isReadable()) {
                parts.add(current);
            } else {
                current.release();
            }
            current = null;
        }
    }

    private ByteBuf buf() {
        if (current == null) {
            current = allocator.buffer(256);
        }
        return current;
    }

    @Override public void writeByte(byte val) { buf().writeByte(val); }
    @Override public void writeShort(short val) { buf().writeShort(val); }
    @Override public void writeInt(int val) { buf().writeInt(val); }
    @Override public void writeLong(long val) { buf().writeLong(val); }
    @Override public void writeDouble(double val) { buf().writeDouble(val); }
    @Override public void writeByteArray(byte[] arr) { buf().writeBytes(arr); }
    @Override public void writeByteBuffer(ByteBuffer src) { buf().writeBytes(src.duplicate()); }

    @Override
    public void writeUnsignedVarint(int i) {
        ByteBuf b = buf();
        while ((i & 0xFFFFFF80) != 0) {
            b.writeByte((i & 0x7F) | 0x80);
            i >>>= 7;
        }
        b.writeByte(i);
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long v) {
        long value = (v << 1) ^ (v >> 63);
        ByteBuf b = buf();
        while ((value & 0xFFFFFFFFFFFFFF80L) != 0L) {
            b.writeByte(((int) value & 0x7F) | 0x80);
            value >>>= 7;
        }
        b.writeByte((int) value);
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (!(records instanceof TransferableRecords transferable)) {
            throw new IllegalArgumentException("cannot write records of type " + records.getClass().getName());
        }
        int size = transferable.sizeInBytes();
        if (size == 0) {
            return;
        }
        try {
            int written = 0;
            RecordsCapture capture = new RecordsCapture();
            while (written < size) {
                int n = transferable.writeTo(capture, written, size - written);
                if (n <= 0) {
                    throw new IOException("records wrote no bytes at position " + written + " of " + size);
                }
                written += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Turns {@link TransferableRecords#writeTo} calls into buffers (memory records) or file regions (file records). */
    private final class RecordsCapture implements TransferableChannel {
        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) {
            flushCurrent();
            parts.add(new SharedFileRegion(fileChannel, position, count));
            return count;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            buf().writeBytes(src);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /**
     * A file region over a segment's shared {@link FileChannel}: releasing it must not close the channel, which
     * belongs to the log segment and serves every reader.
     */
    private static final class SharedFileRegion extends DefaultFileRegion {
        SharedFileRegion(FileChannel channel, long position, long count) {
            super(channel, position, count);
        }

        @Override
        protected void deallocate() {
            // The segment owns the channel; it closes it when the segment is deleted.
        }
    }
}
