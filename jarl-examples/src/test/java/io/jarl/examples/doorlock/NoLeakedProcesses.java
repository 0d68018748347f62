package io.jarl.examples.doorlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.examples.chat.ProcessLeaks;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves processes behind or its thread attached (jarl-core's
 * {@code io.jarl.testing.NoLeakedProcesses} is in its test sources, out of reach of this module):
 * the chat example's check, for this package.
 */
final class NoLeakedProcesses implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeakedProcesses.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", ProcessLeaks.snapshot());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) {
        Set<Pid> before = (Set<Pid>) context.getStore(NS).remove("before", Set.class);
        assertThat(Jarl.inProcess()).as("the test thread is left attached as a process").isFalse();
        assertThat(ProcessLeaks.awaitEnd(before, Duration.ofSeconds(5))).as("processes left by the test").isEmpty();
    }
}
