package io.sluice.tiering.objectstore.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.FileRequestBodyConfiguration;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One multipart upload of a file: CreateMultipartUpload, UploadPart for each {@link S3Config#partSize()} slice of the
 * file (at most {@link S3Config#multipartConcurrency()} in flight, each read straight from the file), then
 * CompleteMultipartUpload with the parts in order. If any step fails the upload is aborted (best effort: S3 lifecycle
 * rules for incomplete multipart uploads clean up after an abort that failed too) and the first failure is returned.
 */
final class MultipartFileUpload {

    private static final Logger LOG = LoggerFactory.getLogger(MultipartFileUpload.class);

    private final S3AsyncClient client;
    private final S3Config config;
    private final String key;
    private final Path file;
    private final long size;
    private final int partCount;
    private final CompletedPart[] parts;
    private final AtomicInteger nextPart = new AtomicInteger();
    private final CompletableFuture<Void> allParts = new CompletableFuture<>();
    private final AtomicInteger completedParts = new AtomicInteger();

    MultipartFileUpload(S3AsyncClient client, S3Config config, String key, Path file, long size) {
        this.client = client;
        this.config = config;
        this.key = key;
        this.file = file;
        this.size = size;
        this.partCount = (int) ((size + config.partSize() - 1) / config.partSize());
        this.parts = new CompletedPart[partCount];
    }

    CompletableFuture<Void> run() {
        return client.createMultipartUpload(b -> b.bucket(config.bucket()).key(key))
            .thenCompose(created -> {
                String uploadId = created.uploadId();
                return uploadParts(uploadId)
                    .thenCompose(v -> client.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                        .uploadId(uploadId).multipartUpload(m -> m.parts(List.of(parts)))))
                    .<Void>thenApply(r -> {
                        LOG.debug("Uploaded {} ({} bytes) in {} parts", key, size, partCount);
                        return null;
                    })
                    .exceptionallyCompose(error -> abort(uploadId, error));
            });
    }

    private CompletableFuture<Void> uploadParts(String uploadId) {
        int initial = Math.min(config.multipartConcurrency(), partCount);
        for (int i = 0; i < initial; i++) {
            startNext(uploadId);
        }
        return allParts;
    }

    private void startNext(String uploadId) {
        int index = nextPart.getAndIncrement();
        if (index >= partCount || allParts.isDone()) {
            return;
        }
        long offset = index * config.partSize();
        long length = Math.min(config.partSize(), size - offset);
        int partNumber = index + 1;
        AsyncRequestBody body = AsyncRequestBody.fromFile(FileRequestBodyConfiguration.builder()
            .path(file).position(offset).numBytesToRead(length).build());
        client.uploadPart(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(partNumber)
                .contentLength(length), body)
            .whenComplete((response, error) -> {
                if (error != null) {
                    allParts.completeExceptionally(error);
                    return;
                }
                parts[index] = CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build();
                if (completedParts.incrementAndGet() == partCount) {
                    allParts.complete(null);
                } else {
                    startNext(uploadId);
                }
            });
    }

    private CompletableFuture<Void> abort(String uploadId, Throwable error) {
        return client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId))
            .handle((r, abortError) -> {
                if (abortError != null) {
                    LOG.warn("Could not abort the multipart upload {} of {}: {}", uploadId, key,
                        abortError.toString());
                }
                return null;
            })
            .thenCompose(v -> CompletableFuture.failedFuture(error));
    }

    @Override
    public String toString() {
        return "MultipartFileUpload(" + key + ", " + size + " bytes, parts " + Arrays.toString(parts) + ")";
    }
}
