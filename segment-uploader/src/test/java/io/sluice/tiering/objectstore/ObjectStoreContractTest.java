package io.sluice.tiering.objectstore;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The behaviour every {@link ObjectStore} must have, run against each implementation (in memory, S3Proxy, MinIO where
 * Docker exists). Subclasses provide the store; each test works under its own random key prefix, so stores (and
 * buckets) can be shared by the tests of a class.
 */
public abstract class ObjectStoreContractTest {

    /** Bytes above which {@link #store()} must upload files in parts; the multipart test writes more than this. */
    protected static final int MULTIPART_THRESHOLD = 5 * 1024 * 1024;
    /** The list page size {@link #store()} must use (so listing 25 keys takes several pages). */
    protected static final int LIST_PAGE_SIZE = 7;

    @TempDir
    protected Path tmp;

    private String prefix;

    @BeforeEach
    void newPrefix() {
        prefix = "contract-" + UUID.randomUUID() + "/";
    }

    /**
     * The store under test: multipart from {@link #MULTIPART_THRESHOLD} bytes in parts of that size, listing in pages
     * of {@link #LIST_PAGE_SIZE} keys, at most 2 SDK attempts per request.
     */
    protected abstract ObjectStore store();

    /** A store on the same server whose credentials are rejected; empty if the implementation has none. */
    protected abstract Optional<ObjectStore> storeWithWrongCredentials();

    /** A store whose server does not answer (nothing listens); empty if the implementation has none. */
    protected abstract Optional<ObjectStore> unreachableStore();

    protected String key(String name) {
        return prefix + name;
    }

    protected static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("operation failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The failure of a future, unwrapped. */
    protected static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(60, TimeUnit.SECONDS);
            return fail("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    protected static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    protected Path randomFile(String name, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path file = tmp.resolve(name);
        Files.write(file, data);
        return file;
    }

    @Test
    void aPutBufferIsReadBackWholeAndTheCallersBufferIsUntouched() {
        ByteBuffer data = ByteBuffer.wrap("hello, object store".getBytes(StandardCharsets.UTF_8));
        data.position(7);
        join(store().put(key("greeting"), data));

        assertThat(data.position()).isEqualTo(7);
        assertThat(new String(bytes(join(store().get(key("greeting")))), StandardCharsets.UTF_8))
            .isEqualTo("object store");
        ObjectSummary head = join(store().head(key("greeting"))).orElseThrow();
        assertThat(head.key()).isEqualTo(key("greeting"));
        assertThat(head.sizeInBytes()).isEqualTo(12);
        assertThat(join(store().exists(key("greeting")))).isTrue();
    }

    @Test
    void rangedReadsAtTheStartMiddleAndEndReturnTheFilesBytes() throws Exception {
        Path file = randomFile("range.bin", 300_000, 1);
        byte[] expected = Files.readAllBytes(file);
        join(store().put(key("range.bin"), file));

        assertThat(bytes(join(store().getRange(key("range.bin"), 0, 100))))
            .isEqualTo(Arrays.copyOfRange(expected, 0, 100));
        assertThat(bytes(join(store().getRange(key("range.bin"), 123_456, 4096))))
            .isEqualTo(Arrays.copyOfRange(expected, 123_456, 123_456 + 4096));
        assertThat(bytes(join(store().getRange(key("range.bin"), 300_000 - 50, 100))))
            .as("a range past the end returns the bytes up to the end")
            .isEqualTo(Arrays.copyOfRange(expected, 300_000 - 50, 300_000));
        assertThat(bytes(join(store().get(key("range.bin"))))).isEqualTo(expected);
    }

    @Test
    void aRangeStartingAtTheEndIsAnInvalidRangeThatIsNotRetried() throws Exception {
        join(store().put(key("short"), ByteBuffer.wrap(new byte[10])));
        Throwable error = failure(store().getRange(key("short"), 10, 5));
        assertThat(error).isInstanceOf(ObjectStoreException.class);
        assertThat(((ObjectStoreException) error).kind()).isEqualTo(ObjectStoreException.Kind.INVALID_RANGE);
        assertThat(((ObjectStoreException) error).isRetriable()).isFalse();
    }

    @Test
    void aFileLargerThanTheMultipartThresholdIsStoredWhole() throws Exception {
        int size = 2 * MULTIPART_THRESHOLD + 123_457;
        Path file = randomFile("big.bin", size, 2);
        byte[] expected = Files.readAllBytes(file);
        join(store().put(key("big.bin"), file));

        assertThat(join(store().head(key("big.bin"))).orElseThrow().sizeInBytes()).isEqualTo(size);
        int acrossParts = MULTIPART_THRESHOLD - 1000;
        assertThat(bytes(join(store().getRange(key("big.bin"), acrossParts, 2000))))
            .isEqualTo(Arrays.copyOfRange(expected, acrossParts, acrossParts + 2000));
        assertThat(bytes(join(store().get(key("big.bin"))))).isEqualTo(expected);
    }

    @Test
    void writingAnExistingKeyReplacesTheObjectWhole() {
        join(store().put(key("v"), ByteBuffer.wrap("first version, longer".getBytes(StandardCharsets.UTF_8))));
        join(store().put(key("v"), ByteBuffer.wrap("second".getBytes(StandardCharsets.UTF_8))));
        assertThat(new String(bytes(join(store().get(key("v")))), StandardCharsets.UTF_8)).isEqualTo("second");
    }

    @Test
    void listingReturnsOnlyThePrefixSortedWithSizesAcrossPages() {
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            puts.add(store().put(key(String.format("list/a/%03d", i)), ByteBuffer.wrap(new byte[i])));
        }
        puts.add(store().put(key("list/b/other"), ByteBuffer.wrap(new byte[1])));
        puts.add(store().put(key("list/a-sibling"), ByteBuffer.wrap(new byte[1])));
        join(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)));

        List<ObjectSummary> listed = join(store().list(key("list/a/")));

        assertThat(listed).extracting(ObjectSummary::key)
            .containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(i -> key(String.format("list/a/%03d", i)))
                .toList());
        assertThat(listed).extracting(ObjectSummary::sizeInBytes)
            .containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(i -> (long) i).toList());
        assertThat(join(store().list(key("list/")))).hasSize(27);
        assertThat(join(store().list(key("nothing-here/")))).isEmpty();
    }

    @Test
    void deletingRemovesObjectsAndMissingKeysAreFine() {
        join(store().put(key("d1"), ByteBuffer.wrap(new byte[3])));
        join(store().put(key("d2"), ByteBuffer.wrap(new byte[3])));
        join(store().put(key("keep"), ByteBuffer.wrap(new byte[3])));

        join(store().delete(List.of(key("d1"), key("d2"), key("never-existed"))));
        join(store().delete(List.of(key("d1"))));
        join(store().delete(List.of()));

        assertThat(join(store().head(key("d1")))).isEmpty();
        assertThat(failure(store().get(key("d2")))).isInstanceOf(ObjectNotFoundException.class);
        assertThat(join(store().list(key("")))).extracting(ObjectSummary::key).containsExactly(key("keep"));
    }

    @Test
    void readingAMissingObjectIsANotFoundErrorThatIsNotRetried() {
        Throwable get = failure(store().get(key("missing")));
        assertThat(get).isInstanceOf(ObjectNotFoundException.class);
        assertThat(((ObjectStoreException) get).isRetriable()).isFalse();
        assertThat(failure(store().getRange(key("missing"), 0, 10))).isInstanceOf(ObjectNotFoundException.class);
        assertThat(join(store().head(key("missing")))).isEmpty();
        assertThat(join(store().exists(key("missing")))).isFalse();
    }

    @Test
    void rejectedCredentialsAreNotRetriableAndAnUnreachableServerIs() {
        Optional<ObjectStore> denied = storeWithWrongCredentials();
        denied.ifPresent(s -> {
            // a request without a body: a server may answer a PUT's body with 403 and close the connection early,
            // which the client then sees as a (retriable) connection failure
            Throwable error = failure(s.list(key("denied/")));
            assertThat(error).isInstanceOf(ObjectStoreException.class);
            assertThat(((ObjectStoreException) error).kind()).isEqualTo(ObjectStoreException.Kind.ACCESS_DENIED);
            assertThat(((ObjectStoreException) error).isRetriable()).isFalse();
        });
        Optional<ObjectStore> unreachable = unreachableStore();
        unreachable.ifPresent(s -> {
            Throwable error = failure(s.get(key("anything")));
            assertThat(error).isInstanceOf(ObjectStoreException.class);
            assertThat(((ObjectStoreException) error).kind()).isIn(ObjectStoreException.Kind.CONNECTION,
                ObjectStoreException.Kind.TIMEOUT);
            assertThat(((ObjectStoreException) error).isRetriable()).isTrue();
        });
        assertThat(denied.isPresent() || unreachable.isPresent()).as("at least one failure mode is checked").isTrue();
    }

    @Test
    void manyPutsInFlightAtOnceAllLand() throws Exception {
        int n = 16;
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                puts.add(store().put(key("c/" + i), ByteBuffer.wrap(("object " + i).getBytes(StandardCharsets.UTF_8))));
            } else {
                puts.add(store().put(key("c/" + i), randomFile("c" + i, 64 * 1024 + i, i)));
            }
        }
        join(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)));

        assertThat(join(store().list(key("c/")))).hasSize(n);
        for (int i = 0; i < n; i++) {
            byte[] expected = i % 2 == 0 ? ("object " + i).getBytes(StandardCharsets.UTF_8)
                : Files.readAllBytes(tmp.resolve("c" + i));
            assertThat(bytes(join(store().get(key("c/" + i))))).as("object %d", i).isEqualTo(expected);
        }
    }
}
