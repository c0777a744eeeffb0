package io.sluice.broker.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Typed access to fields of a JSON request object. Every mistake (wrong type, out of range, unknown field) is a
 * 400 (40001) whose message names the field by its path, e.g. {@code records[2].value.type}.
 */
final class JsonFields {
    private JsonFields() {
    }

    /** @throws HttpApiException unless {@code node} is a JSON object with only {@code allowed} fields */
    static void requireObject(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw HttpApiException.malformed(describe(path) + " must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw HttpApiException.malformed("unknown field " + join(path, name) + "; expected one of "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    /** @return the field's value, or empty if absent or JSON null */
    static Optional<JsonNode> optional(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    static String requiredString(JsonNode object, String path, String field) {
        return optionalString(object, path, field)
                .orElseThrow(() -> HttpApiException.malformed(join(path, field) + " is required"));
    }

    static Optional<String> optionalString(JsonNode object, String path, String field) {
        return optional(object, field).map(v -> {
            if (!v.isTextual()) {
                throw HttpApiException.malformed(join(path, field) + " must be a string");
            }
            return v.asText();
        });
    }

    static Optional<Long> optionalLong(JsonNode object, String path, String field, long min, long max) {
        return optional(object, field).map(v -> toLong(v, join(path, field), min, max));
    }

    static Optional<Integer> optionalInt(JsonNode object, String path, String field, int min, int max) {
        return optionalLong(object, path, field, min, max).map(Long::intValue);
    }

    static Optional<Boolean> optionalBoolean(JsonNode object, String path, String field) {
        return optional(object, field).map(v -> {
            if (!v.isBoolean()) {
                throw HttpApiException.malformed(join(path, field) + " must be true or false");
            }
            return v.booleanValue();
        });
    }

    /** @return the elements of an array field, empty if absent */
    static List<JsonNode> optionalArray(JsonNode object, String path, String field) {
        Optional<JsonNode> value = optional(object, field);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!value.get().isArray()) {
            throw HttpApiException.malformed(join(path, field) + " must be an array");
        }
        List<JsonNode> elements = new ArrayList<>();
        value.get().forEach(elements::add);
        return elements;
    }

    /** @return {@code node} as a long in [min, max] (integral JSON numbers only) */
    static long toLong(JsonNode node, String path, long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw HttpApiException.malformed(path + " must be an integer");
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw HttpApiException.malformed(path + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static String index(String path, String field, int index) {
        return join(path, field) + "[" + index + "]";
    }

    private static String describe(String path) {
        return path.isEmpty() ? "the request body" : path;
    }
}
