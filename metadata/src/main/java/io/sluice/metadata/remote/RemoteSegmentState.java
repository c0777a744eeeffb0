package io.sluice.metadata.remote;

/**
 * The life cycle of a remote log segment, as KIP-405's {@code RemoteLogSegmentState}
 * ({@code COPY_SEGMENT_STARTED}, {@code COPY_SEGMENT_FINISHED}, {@code DELETE_SEGMENT_STARTED},
 * {@code DELETE_SEGMENT_FINISHED}).
 *
 * <p>Allowed transitions: {@code COPY_STARTED → COPY_FINISHED → DELETE_STARTED}, then the registration is removed
 * (KIP-405's {@code DELETE_SEGMENT_FINISHED} is the absence of the key).
 *
 * <p>Sluice uploads the objects <em>before</em> registering, so etcd only ever holds {@code COPY_FINISHED} and
 * {@code DELETE_STARTED}: {@code COPY_STARTED} is the state of the metadata an uploader builds while its objects are
 * being written. Objects of an upload that never got registered are found by the orphan collector instead of by a
 * {@code COPY_STARTED} entry (see {@code docs/tiered-storage.md}).
 */
public enum RemoteSegmentState {
    /** The objects are being uploaded; not registered, not readable. */
    COPY_STARTED,
    /** Uploaded and registered: the segment is readable from the object store. */
    COPY_FINISHED,
    /** Chosen for deletion (retention): no longer readable; its objects are being deleted, then the key. */
    DELETE_STARTED;

    /** Whether a segment may go from this state to {@code next}. */
    public boolean canTransitionTo(RemoteSegmentState next) {
        return switch (this) {
            case COPY_STARTED -> next == COPY_FINISHED;
            case COPY_FINISHED -> next == DELETE_STARTED;
            case DELETE_STARTED -> false;
        };
    }
}
