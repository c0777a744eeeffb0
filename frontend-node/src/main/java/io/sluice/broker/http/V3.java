package io.sluice.broker.http;

import java.util.List;

/**
 * The building blocks every Confluent REST Proxy v3 resource shares: a {@code kind}, a {@code metadata} object with
 * the resource's own URL ({@code self}) and name ({@code resource_name}, Confluent's CRN form
 * {@code crn:///kafka=<cluster_id>/topic=<topic_name>}), and links to related resources as {@code {"related": url}}.
 */
public final class V3 {
    private V3() {
    }

    /** A link to a related resource. */
    public record Related(String related) {
    }

    /** The {@code metadata} of a single resource. */
    public record ResourceMetadata(String self, String resourceName) {
    }

    /** The {@code metadata} of a list; Sluice never pages, so {@code next} is always null (left out). */
    public record ListMetadata(String self, String next) {
        static ListMetadata of(String self) {
            return new ListMetadata(self, null);
        }
    }

    /**
     * A list resource, e.g. {@code {"kind": "KafkaTopicList", "metadata": {...}, "data": [...]}}.
     *
     * @param <T> the element resource type
     */
    public record ResourceList<T>(String kind, ListMetadata metadata, List<T> data) {
        static <T> ResourceList<T> of(String kind, String self, List<T> data) {
            return new ResourceList<>(kind, ListMetadata.of(self), List.copyOf(data));
        }
    }
}
