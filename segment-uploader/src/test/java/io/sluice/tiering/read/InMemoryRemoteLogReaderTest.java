package io.sluice.tiering.read;

import io.sluice.tiering.objectstore.InMemoryObjectStore;
import io.sluice.tiering.objectstore.ObjectStore;

/** The {@link RemoteLogReader} contract against the in-memory object store. */
class InMemoryRemoteLogReaderTest extends RemoteLogReaderContractTest {

    @Override
    protected ObjectStore openStore() {
        return new InMemoryObjectStore();
    }
}
