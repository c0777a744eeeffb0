package io.sluice.tiering.read;

import io.sluice.tiering.objectstore.ObjectStore;
import io.sluice.tiering.objectstore.s3.S3ObjectStore;
import io.sluice.tiering.testing.S3Extension;
import io.sluice.tiering.testing.S3TestEnv;

import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

/** The {@link RemoteLogReader} contract against the local S3Proxy process, over HTTP with the AWS SDK. */
@ExtendWith(S3Extension.class)
class S3ProxyRemoteLogReaderTest extends RemoteLogReaderContractTest {

    private final S3TestEnv env;

    S3ProxyRemoteLogReaderTest(S3TestEnv env) {
        this.env = env;
    }

    @Override
    protected ObjectStore openStore() throws Exception {
        return S3ObjectStore.open(env.s3Config().build()).get(30, TimeUnit.SECONDS);
    }
}
