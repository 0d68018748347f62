package io.jarl.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Jarl;
import io.jarl.Pid;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves processes behind or its thread attached (jarl-core's
 * {@code io.jarl.testing.NoLeakedProcesses} lives in its test sources, out of reach): records the live
 * processes before the test and afterwards waits, with monitors and a bound, for every newer one to end.
 */
final class NoLeakedProcesses implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeakedProcesses.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", ProcessLeaks.snapshot());
        context.getStore(NS).put("count", Jarl.processCount());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) {
        Set<Pid> before = (Set<Pid>) context.getStore(NS).remove("before", Set.class);
        int count = context.getStore(NS).remove("count", Integer.class);
        assertThat(Jarl.inProcess()).as("the test thread is left attached as a process").isFalse();
        assertThat(ProcessLeaks.awaitEnd(before, Duration.ofSeconds(5))).as("processes left by the test").isEmpty();
        assertThat(Jarl.processCount()).as("process count after the test").isEqualTo(count);
    }
}
