package io.sluice.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table as {@code kafka-consumer-groups} (Kafka 4.3's {@code ConsumerGroupCommand}) prints it: a header line of
 * column names, then one line per row, every line formatted with the same left-aligned, space-padded
 * {@code printf} widths, up to the next blank line or the end of the output:
 * <pre>
 * GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
 * g1              t1              0          4               6               2               -               -               -
 * </pre>
 * A column starts where its name starts in the header, so a value may contain single spaces (the coordinator
 * {@code 127.0.0.1:9092  (1)} under {@code COORDINATOR (ID)}, or an error message in the last column). Values are
 * trimmed; {@code -} is what the tool prints for "no value". Parsing is strict: a value that runs into the next
 * column is rejected, as a user would misread it.
 *
 * @param columns the column names, in printed order
 * @param rows    each row as column name to value, in printed order
 */
record PrintedTable(List<String> columns, List<Map<String, String>> rows) {

    /**
     * Parses the first table in {@code stdout} whose header line starts with {@code firstColumn} (e.g.
     * {@code GROUP}, or {@code TOPIC} for {@code --delete-offsets}).
     *
     * @throws IllegalArgumentException when there is no such header line, or a row does not fit the header's columns
     */
    static PrintedTable parse(String stdout, String firstColumn) {
        List<String> lines = stdout.lines().toList();
        int header = 0;
        while (header < lines.size() && !isHeader(lines.get(header), firstColumn)) {
            header++;
        }
        if (header == lines.size()) {
            throw new IllegalArgumentException("No table with a " + firstColumn + " column in:\n" + stdout);
        }
        List<String> columns = columnNames(lines.get(header));
        List<Integer> starts = columnStarts(lines.get(header), columns);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = header + 1; i < lines.size() && !lines.get(i).isBlank(); i++) {
            rows.add(parseRow(lines.get(i), columns, starts, stdout));
        }
        return new PrintedTable(List.copyOf(columns), List.copyOf(rows));
    }

    /** The values of column {@code name}, one per row, in printed order. */
    List<String> column(String name) {
        if (!columns.contains(name)) {
            throw new IllegalArgumentException("No column " + name + " in " + columns);
        }
        return rows.stream().map(row -> row.get(name)).toList();
    }

    /** The only row. @throws IllegalStateException unless there is exactly one row */
    Map<String, String> onlyRow() {
        if (rows.size() != 1) {
            throw new IllegalStateException("Expected one row, got " + rows);
        }
        return rows.get(0);
    }

    private static boolean isHeader(String line, String firstColumn) {
        return line.equals(firstColumn) || line.startsWith(firstColumn + " ");
    }

    /** Names are separated by spaces, except the one name with a space: {@code COORDINATOR (ID)}. */
    private static List<String> columnNames(String header) {
        List<String> names = new ArrayList<>();
        for (String token : header.strip().split(" +")) {
            if (token.startsWith("(") && !names.isEmpty()) {
                names.set(names.size() - 1, names.get(names.size() - 1) + " " + token);
            } else {
                names.add(token);
            }
        }
        return names;
    }

    private static List<Integer> columnStarts(String header, List<String> columns) {
        List<Integer> starts = new ArrayList<>();
        int from = 0;
        for (String column : columns) {
            int start = header.indexOf(column, from);
            starts.add(start);
            from = start + column.length();
        }
        return starts;
    }

    private static Map<String, String> parseRow(String line, List<String> columns, List<Integer> starts,
                                                String stdout) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            int start = starts.get(c);
            int end = c + 1 < columns.size() ? starts.get(c + 1) : Integer.MAX_VALUE;
            if (start > 0 && start < line.length() && line.charAt(start - 1) != ' ') {
                throw new IllegalArgumentException("The value before column " + columns.get(c)
                        + " runs into it in line '" + line + "' of:\n" + stdout);
            }
            row.put(columns.get(c), start >= line.length() ? ""
                    : line.substring(start, Math.min(end, line.length())).strip());
        }
        return row;
    }
}
