package io.sluice.metadata.config;

import org.apache.kafka.clients.admin.AlterConfigOp;

import java.util.Objects;

/**
 * One operation of an IncrementalAlterConfigs request (KIP-339) on a topic config.
 *
 * @param name  the config name
 * @param op    SET (value required), DELETE (value ignored), APPEND or SUBTRACT (LIST configs only; value is a
 *              comma-separated list of items)
 * @param value the operand, may be null for DELETE
 */
public record ConfigAlteration(String name, AlterConfigOp.OpType op, String value) {

    public ConfigAlteration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
    }

    public static ConfigAlteration set(String name, String value) {
        return new ConfigAlteration(name, AlterConfigOp.OpType.SET, value);
    }

    public static ConfigAlteration delete(String name) {
        return new ConfigAlteration(name, AlterConfigOp.OpType.DELETE, null);
    }

    public static ConfigAlteration append(String name, String value) {
        return new ConfigAlteration(name, AlterConfigOp.OpType.APPEND, value);
    }

    public static ConfigAlteration subtract(String name, String value) {
        return new ConfigAlteration(name, AlterConfigOp.OpType.SUBTRACT, value);
    }
}
