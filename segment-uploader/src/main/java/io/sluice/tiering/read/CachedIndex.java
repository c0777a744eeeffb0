package io.sluice.tiering.read;

/** A parsed whole object held by {@link RemoteIndexCache}, weighed by its bytes. */
sealed interface CachedIndex permits RemoteOffsetIndex, RemoteTimeIndex, RemoteEpochCheckpoint {

    /** The bytes it holds (its object's size), for the cache's weigher. */
    int sizeInBytes();
}
