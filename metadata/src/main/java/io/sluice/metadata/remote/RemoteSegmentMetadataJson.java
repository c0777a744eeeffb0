package io.sluice.metadata.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The JSON form of {@link RemoteSegmentMetadata} (format version {@value #VERSION}), the value of a remote segment's
 * etcd key. Example (documented in {@code docs/tiered-storage.md}):
 * <pre>{@code
 * {"version":1,"topicId":"kG5hXxEBR0mJ3xgFVd0Lxw","topicName":"orders","partition":0,
 *  "segmentId":"7PjpHM1SQ0yq7vU0cw7l8A","baseOffset":0,"lastOffset":1233,"firstTimestamp":1700000000000,
 *  "maxTimestamp":1700000004242,"sizeInBytes":1048519,
 *  "segmentLeaderEpochs":[{"epoch":0,"startOffset":0},{"epoch":2,"startOffset":1000}],
 *  "objects":{"log":{"key":"…/00000000000000000000-7PjpHM1SQ0yq7vU0cw7l8A.log","sizeInBytes":1048519,
 *             "crc32c":"1c2d3e4f"}, "offsetIndex":{…}, "timeIndex":{…}, "leaderEpochCheckpoint":{…}},
 *  "leaderEpoch":2,"brokerId":1,"createdTimestamp":1700000005000,"state":"COPY_FINISHED"}
 * }</pre>
 *
 * <p>Readers reject any other {@code version} and ignore unknown fields, so fields can be added within version 1
 * (the rule of every Sluice etcd value). Thread-safe.
 */
public final class RemoteSegmentMetadataJson {

    /** The format version written and accepted. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .build();

    private RemoteSegmentMetadataJson() {
    }

    /** UTF-8 JSON bytes of {@code metadata}. */
    public static byte[] encode(RemoteSegmentMetadata metadata) {
        try {
            return MAPPER.writeValueAsBytes(Document.of(metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + metadata, e);
        }
    }

    /**
     * Parses UTF-8 JSON bytes.
     *
     * @throws IllegalArgumentException if the bytes are not such a document, carry another {@code version}, or break
     *         a rule of {@link RemoteSegmentMetadata}
     */
    public static RemoteSegmentMetadata decode(byte[] json) {
        Document doc;
        try {
            doc = MAPPER.readValue(json, Document.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a remote segment document: " + e.getMessage(), e);
        }
        if (doc.version() != VERSION) {
            throw new IllegalArgumentException("unsupported remote segment format version " + doc.version()
                + " (this broker reads version " + VERSION + ")");
        }
        try {
            return doc.toMetadata();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid remote segment document: " + e.getMessage(), e);
        }
    }

    /** The stored document; field names are the persisted format. */
    record Document(int version, String topicId, String topicName, int partition, String segmentId, long baseOffset,
                    long lastOffset, long firstTimestamp, long maxTimestamp, long sizeInBytes,
                    List<Epoch> segmentLeaderEpochs, ObjectsDoc objects, int leaderEpoch, int brokerId,
                    long createdTimestamp, RemoteSegmentState state) {

        static Document of(RemoteSegmentMetadata m) {
            List<Epoch> epochs = m.segmentLeaderEpochs().entrySet().stream()
                .map(e -> new Epoch(e.getKey(), e.getValue())).toList();
            RemoteSegmentObjects o = m.objects();
            return new Document(VERSION, m.topicId().toString(), m.topicName(), m.partition(),
                m.segmentId().toString(), m.baseOffset(), m.lastOffset(), m.firstTimestamp(), m.maxTimestamp(),
                m.sizeInBytes(), epochs, new ObjectsDoc(o.log(), o.offsetIndex(), o.timeIndex(),
                o.leaderEpochCheckpoint()), m.leaderEpoch(), m.brokerId(), m.createdTimestamp(), m.state());
        }

        RemoteSegmentMetadata toMetadata() {
            Map<Integer, Long> epochs = new TreeMap<>();
            for (Epoch e : segmentLeaderEpochs == null ? List.<Epoch>of() : segmentLeaderEpochs) {
                epochs.put(e.epoch(), e.startOffset());
            }
            Objects.requireNonNull(objects, "objects");
            return new RemoteSegmentMetadata(Uuid.fromString(topicId), topicName, partition,
                Uuid.fromString(segmentId), baseOffset, lastOffset, firstTimestamp, maxTimestamp, sizeInBytes,
                new TreeMap<>(epochs), new RemoteSegmentObjects(objects.log(), objects.offsetIndex(),
                objects.timeIndex(), objects.leaderEpochCheckpoint()), leaderEpoch, brokerId, createdTimestamp,
                state);
        }
    }

    /** One leader epoch entry. */
    record Epoch(int epoch, long startOffset) {
    }

    /** The four objects. */
    record ObjectsDoc(RemoteObject log, RemoteObject offsetIndex, RemoteObject timeIndex,
                   RemoteObject leaderEpochCheckpoint) {
    }
}
