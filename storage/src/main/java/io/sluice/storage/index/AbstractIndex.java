package io.sluice.storage.index;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntToLongFunction;

/**
 * A memory-mapped file of fixed-size entries sorted by offset, the common part of {@link OffsetIndex} and
 * {@link TimeIndex} (Kafka's {@code AbstractIndex}).
 *
 * <p><b>File life cycle, as Kafka's:</b> a new index file is preallocated to {@code maxIndexSize} rounded down
 * to a multiple of the entry size, and mapped whole; appends write the next slot. When its segment stops being
 * the active one (roll or close) the file is trimmed to exactly {@code entries × entrySize} bytes. An existing
 * file is mapped at its current length and every whole entry in it counts; after a crash the active segment's
 * index is therefore full of zero entries, which the sanity check rejects and recovery rebuilds.
 *
 * <p><b>Thread-safety:</b> every operation takes this index's lock, so a reader's lookup can run while the
 * writer (holding the log's lock) appends. Unmapping happens only under that lock.
 */
public abstract sealed class AbstractIndex implements Closeable permits OffsetIndex, TimeIndex {
    protected final ReentrantLock lock = new ReentrantLock();
    private final long baseOffset;
    private final int maxIndexSize;
    private final int entrySize;
    private volatile Path file;
    private MappedByteBuffer mmap;
    private int mappedLength;
    private volatile int entries;
    private volatile int maxEntries;
    private boolean closed;

    /**
     * Opens {@code file}, creating and preallocating it to {@code maxIndexSize} bytes if it does not exist.
     *
     * @param baseOffset   the base offset of the segment; entries store offsets relative to it
     * @param maxIndexSize the size in bytes to preallocate (Kafka topic config {@code segment.index.bytes})
     */
    protected AbstractIndex(Path file, long baseOffset, int maxIndexSize, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.maxIndexSize = maxIndexSize;
        this.entrySize = entrySize;
        boolean existed = Files.exists(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (!existed) {
                raf.setLength(roundDownToEntrySize(maxIndexSize));
            }
            long length = raf.length();
            if (length > Integer.MAX_VALUE) {
                throw new CorruptIndexException("Index file " + file + " is larger than 2 GiB: " + length);
            }
            this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            this.mappedLength = (int) length;
            this.maxEntries = mappedLength / entrySize;
            this.entries = existed ? maxEntries : 0;
        }
    }

    public long baseOffset() {
        return baseOffset;
    }

    public Path file() {
        return file;
    }

    /** Number of entries written. */
    public int entries() {
        return entries;
    }

    /** Number of entries the current mapping can hold. */
    public int maxEntries() {
        return maxEntries;
    }

    /** Bytes used by the entries ({@code entries × entrySize}); the file may be larger while preallocated. */
    public int sizeInBytes() {
        return entries * entrySize;
    }

    /** Current length of the file in bytes. */
    public int fileLength() {
        lock.lock();
        try {
            return mappedLength;
        } finally {
            lock.unlock();
        }
    }

    public int entrySize() {
        return entrySize;
    }

    public int maxIndexSize() {
        return maxIndexSize;
    }

    /** True when no further entry fits in the mapping; the log rolls a new segment then. */
    public boolean isFull() {
        return entries >= maxEntries;
    }

    /** True if {@code offset} can be stored relative to this index's base offset (fits a non-negative int). */
    public boolean canAppendOffset(long offset) {
        long relative = offset - baseOffset;
        return relative >= 0 && relative <= Integer.MAX_VALUE;
    }

    /**
     * Changes the file and mapping length to {@code newSize} rounded down to a multiple of the entry size.
     * Used to preallocate the active segment's index again after a load and to trim a sealed one.
     *
     * @return true if the length changed
     */
    public boolean resize(int newSize) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            int rounded = roundDownToEntrySize(newSize);
            if (rounded == mappedLength) {
                return false;
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                MappedByteBuffer old = mmap;
                mmap = null;
                MappedBuffers.unmap(old);
                raf.setLength(rounded);
                mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, rounded);
                mappedLength = rounded;
                maxEntries = rounded / entrySize;
                if (entries > maxEntries) {
                    entries = maxEntries;
                }
                return true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Shrinks the file to the entries written, as Kafka does when a segment becomes inactive. */
    public void trimToValidSize() throws IOException {
        lock.lock();
        try {
            resize(entries * entrySize);
        } finally {
            lock.unlock();
        }
    }

    /** Removes every entry and preallocates the file to {@code maxIndexSize} again (used before a rebuild). */
    public void reset() throws IOException {
        lock.lock();
        try {
            truncateToEntries(0);
            resize(maxIndexSize);
        } finally {
            lock.unlock();
        }
    }

    /** Forces the mapped pages to the storage device. */
    public void flush() {
        lock.lock();
        try {
            if (!closed) {
                mmap.force();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Trims the file to its entries and releases the mapping. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            trimToValidSize();
            closeHandler();
        } finally {
            lock.unlock();
        }
    }

    /** Releases the mapping without trimming the file (what a crash leaves behind). */
    public void closeHandler() {
        lock.lock();
        try {
            if (!closed) {
                MappedByteBuffer old = mmap;
                mmap = null;
                closed = true;
                MappedBuffers.unmap(old);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Releases the mapping and deletes the file. */
    public boolean deleteIfExists() throws IOException {
        closeHandler();
        return Files.deleteIfExists(file);
    }

    /** Renames the file (an open mapping stays valid on rename). */
    public void renameTo(Path target) throws IOException {
        lock.lock();
        try {
            if (Files.exists(file)) {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            }
            file = target;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks the file against the invariants of its kind; the loader rebuilds the index when this throws.
     *
     * @param logSizeInBytes size of the segment's {@code .log} file; positions must lie below it
     * @throws CorruptIndexException if the file is inconsistent
     */
    public abstract void sanityCheck(long logSizeInBytes);

    /** Absolute offset stored relative to the base offset: {@code offset - baseOffset} as a 4-byte int. */
    protected int relativeOffset(long offset) {
        if (!canAppendOffset(offset)) {
            throw new IndexOffsetOverflowException("Integer overflow for offset: " + offset + " (" + file
                + " has base offset " + baseOffset + ")");
        }
        return (int) (offset - baseOffset);
    }

    protected void truncateToEntries(int newEntries) {
        lock.lock();
        try {
            ensureOpen();
            entries = newEntries;
        } finally {
            lock.unlock();
        }
    }

    protected void incrementEntries() {
        entries = entries + 1;
    }

    /** The mapped buffer; callers must hold {@link #lock} and only use absolute get/put. */
    protected MappedByteBuffer buffer() {
        ensureOpen();
        return mmap;
    }

    protected void checkFileLength() {
        if (mappedLength % entrySize != 0) {
            throw new CorruptIndexException("Index file " + file + " is corrupt: its length " + mappedLength
                + " is not a multiple of the entry size " + entrySize);
        }
    }

    /**
     * Largest slot whose key is at most {@code target}, or -1 if every key is larger (binary search; keys are
     * non-decreasing). Caller holds the lock.
     */
    protected int largestLowerBoundSlot(long target, IntToLongFunction keyAtSlot) {
        int n = entries;
        if (n == 0 || keyAtSlot.applyAsLong(0) > target) {
            return -1;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (keyAtSlot.applyAsLong(mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Number of leading entries whose key is below {@code target}. Caller holds the lock. */
    protected int countBelow(long target, IntToLongFunction keyAtSlot) {
        int lo = 0;
        int hi = entries;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAtSlot.applyAsLong(mid) < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Index " + file + " is closed");
        }
    }

    private int roundDownToEntrySize(int size) {
        return Math.max(0, size) / entrySize * entrySize;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(file=" + file + ", baseOffset=" + baseOffset + ", entries=" + entries
            + ", maxEntries=" + maxEntries + ")";
    }
}
