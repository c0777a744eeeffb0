package io.sluice.tiering.objectstore;

import java.time.Instant;
import java.util.Objects;

/**
 * An object as listed or headed.
 *
 * @param key          the key, relative to the store's key prefix
 * @param sizeInBytes  the object's size
 * @param lastModified when the object was written (the store's clock)
 */
public record ObjectSummary(String key, long sizeInBytes, Instant lastModified) {
    public ObjectSummary {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
