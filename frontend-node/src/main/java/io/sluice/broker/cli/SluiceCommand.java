package io.sluice.broker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command line: {@code broker} runs one broker against an external etcd; {@code dev} runs a
 * local cluster (an etcd process and broker processes) on 127.0.0.1. The {@code ./sluice} script builds the code
 * and calls this class.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "Sluice 0.1.0-SNAPSHOT",
        description = "Kafka-compatible log service whose history lives in object storage.",
        subcommands = {BrokerCommand.class, DevCommand.class})
public final class SluiceCommand implements Runnable {
    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        int exitCode = new CommandLine(new SluiceCommand()).execute(args);
        if (exitCode != 0 || !(args.length > 0 && (args[0].equals("broker") || args[0].equals("dev")))) {
            System.exit(exitCode);
        }
    }
}
