package io.sluice.storage;

/**
 * Where an append comes from; decides how much validation it gets (as Kafka's {@code AppendOrigin}).
 *
 * <ul>
 *   <li>{@link #CLIENT}: a producer's batch on the leader. Full validation: a single v2 batch with base offset 0,
 *       record count and offset deltas, timestamps, producer epoch and sequence; offsets are assigned by the log.</li>
 *   <li>{@link #REPLICATION}: batches copied from the leader by a follower. Offsets are already assigned; only
 *       the CRC and offset order are checked, and producer sequence gaps are accepted (the leader checked them).</li>
 * </ul>
 */
public enum AppendOrigin {
    CLIENT,
    REPLICATION
}
