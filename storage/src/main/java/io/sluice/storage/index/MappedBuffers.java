package io.sluice.storage.index;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Releases a memory map at once instead of waiting for the garbage collector (what Kafka's
 * {@code ByteBufferUnmapper} does), so a trimmed or deleted index does not keep address space and disk blocks.
 * Uses {@code sun.misc.Unsafe.invokeCleaner} from the {@code jdk.unsupported} module; when that is not
 * available the map is simply left to the garbage collector.
 *
 * <p>The caller must guarantee that nobody touches the buffer afterwards: access to an unmapped buffer crashes
 * the JVM. {@link AbstractIndex} only unmaps under its lock and drops the reference in the same step.
 */
final class MappedBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(MappedBuffers.class);
    private static final MethodHandle INVOKE_CLEANER = lookupCleaner();

    private MappedBuffers() {
    }

    static void unmap(MappedByteBuffer buffer) {
        if (buffer == null || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(buffer);
        } catch (Throwable t) {
            LOG.warn("Could not unmap an index buffer; leaving it to the garbage collector", t);
        }
    }

    private static MethodHandle lookupCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            MethodHandle handle = MethodHandles.lookup()
                .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class));
            return handle.bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("sun.misc.Unsafe.invokeCleaner is not available; index maps are released by the GC");
            return null;
        }
    }
}
