package io.sluice.compat;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parser of {@code kafka-consumer-groups} tables, on text as Kafka 4.3's ConsumerGroupCommand prints it. */
class PrintedTableTest {

    @Test
    void parsesTheOffsetsTableOfDescribe() {
        String stdout = """

                GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
                g1              t1              0          4               6               2               -               -               -
                g1              t1              1          -               3               -               -               -               -

                """;

        PrintedTable table = PrintedTable.parse(stdout, "GROUP");

        assertThat(table.columns()).containsExactly("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
                "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
        assertThat(table.rows()).hasSize(2);
        assertThat(table.rows().get(0)).containsEntry("PARTITION", "0").containsEntry("CURRENT-OFFSET", "4")
                .containsEntry("LOG-END-OFFSET", "6").containsEntry("LAG", "2").containsEntry("CLIENT-ID", "-");
        assertThat(table.column("LAG")).containsExactly("2", "-");
    }

    @Test
    void keepsTheSpacesOfTheCoordinatorColumnAndTrailingPadding() {
        String stdout = "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\n"
                + "g2              127.0.0.1:19092  (2)      range                Stable               1\n";

        Map<String, String> row = PrintedTable.parse(stdout, "GROUP").onlyRow();

        assertThat(row).containsExactly(Map.entry("GROUP", "g2"), Map.entry("COORDINATOR (ID)", "127.0.0.1:19092  (2)"),
                Map.entry("ASSIGNMENT-STRATEGY", "range"), Map.entry("STATE", "Stable"), Map.entry("#MEMBERS", "1"));
    }

    @Test
    void readsAWidenedColumnAndAnErrorMessageInTheLastColumn() {
        String members = """

                GROUP           CONSUMER-ID                                           HOST            CLIENT-ID        #PARTITIONS    \s
                g2              console-consumer-5a463658-36fa-4daa-ad65-f5cebcae6681 /127.0.0.1      console-consumer 3              \s
                """;
        assertThat(PrintedTable.parse(members, "GROUP").onlyRow())
                .containsEntry("CONSUMER-ID", "console-consumer-5a463658-36fa-4daa-ad65-f5cebcae6681")
                .containsEntry("CLIENT-ID", "console-consumer").containsEntry("#PARTITIONS", "3");

        String deleteOffsets = """

                Error: Encountered some partition-level error, see the follow-up details.

                TOPIC           PARTITION  STATUS        \s
                t1              0          Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets.
                """;
        assertThat(PrintedTable.parse(deleteOffsets, "TOPIC").onlyRow()).containsEntry("STATUS",
                "Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets.");
    }

    @Test
    void aHeaderWithoutRowsIsAnEmptyTable() {
        PrintedTable table = PrintedTable.parse("\nGROUP           TOPIC           PARTITION  NEW-OFFSET\n", "GROUP");

        assertThat(table.columns()).containsExactly("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        assertThat(table.rows()).isEmpty();
    }

    @Test
    void rejectsMissingHeadersAndValuesRunningIntoTheNextColumn() {
        assertThatThrownBy(() -> PrintedTable.parse("g1\ng2\n", "GROUP"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No table with a GROUP column");
        assertThatThrownBy(() -> PrintedTable.parse("GROUP  TOPIC\nlong-group-id t\n", "GROUP"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs into it");
        PrintedTable table = PrintedTable.parse("GROUP  TOPIC\ng      t\n", "GROUP");
        assertThat(table.rows()).isEqualTo(List.of(Map.of("GROUP", "g", "TOPIC", "t")));
        assertThatThrownBy(() -> table.column("LAG"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No column LAG");
    }
}
