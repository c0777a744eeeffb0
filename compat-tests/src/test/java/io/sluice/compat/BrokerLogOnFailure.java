package io.sluice.compat;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.List;
import java.util.function.Supplier;

/**
 * Attaches the tail of each broker's {@code broker.log} to every failing test and failing {@code @BeforeAll} /
 * {@code @BeforeEach} method (as a suppressed exception, so it shows in Surefire's report next to the failure) and
 * prints it to stderr. The failure itself is rethrown unchanged. Register it with {@code @RegisterExtension} on a
 * static field; it applies to {@code @Nested} classes too.
 */
final class BrokerLogOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private final Supplier<List<SluiceBrokerProcess>> brokers;

    /** @param brokers the brokers whose logs to attach; empty while none is started */
    BrokerLogOnFailure(Supplier<List<SluiceBrokerProcess>> brokers) {
        this.brokers = brokers;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw withBrokerLog(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw withBrokerLog(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw withBrokerLog(context, throwable);
    }

    private Throwable withBrokerLog(ExtensionContext context, Throwable throwable) {
        for (SluiceBrokerProcess process : brokers.get()) {
            String log = process.describeLog();
            System.err.println(context.getDisplayName() + " failed; " + log);
            throwable.addSuppressed(new BrokerLog(log));
        }
        return throwable;
    }

    /** Carries the log tail; no stack trace of its own. */
    private static final class BrokerLog extends Exception {
        private static final long serialVersionUID = 1L;

        BrokerLog(String log) {
            super(log, null, false, false);
        }
    }
}
