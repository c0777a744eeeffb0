package io.sluice.tiering.objectstore;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on {@link InMemoryObjectStore}, plus its fault injection. */
class InMemoryObjectStoreTest extends ObjectStoreContractTest {

    private final InMemoryObjectStore store = new InMemoryObjectStore();

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected Optional<ObjectStore> storeWithWrongCredentials() {
        InMemoryObjectStore denied = new InMemoryObjectStore();
        denied.failNext(1, ObjectStoreException.Kind.ACCESS_DENIED);
        return Optional.of(denied);
    }

    @Override
    protected Optional<ObjectStore> unreachableStore() {
        InMemoryObjectStore down = new InMemoryObjectStore();
        down.setAvailable(false);
        return Optional.of(down);
    }

    @Test
    void injectedFaultsFailTheNextCallsOfTheirOperationAndChangeNothing() {
        store.failNext(InMemoryObjectStore.Operation.PUT, 2, ObjectStoreException.Kind.THROTTLED);

        Throwable first = failure(store.put(key("x"), ByteBuffer.wrap(new byte[1])));
        assertThat(((ObjectStoreException) first).kind()).isEqualTo(ObjectStoreException.Kind.THROTTLED);
        assertThat(((ObjectStoreException) first).httpStatus()).hasValue(503);
        assertThat(join(store.head(key("x")))).as("HEAD is not targeted; nothing written").isEmpty();
        assertThat(failure(store.put(key("x"), ByteBuffer.wrap(new byte[1])))).isInstanceOf(ObjectStoreException.class);
        join(store.put(key("x"), ByteBuffer.wrap(new byte[1])));

        assertThat(store.pendingFaults()).isZero();
        assertThat(store.calls(InMemoryObjectStore.Operation.PUT)).isEqualTo(3);
        assertThat(store.keys()).containsExactly(key("x"));
    }
}
