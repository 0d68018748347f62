package io.jarl.testing;

import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.SpawnOptions;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leak check itself: it must catch leaks and stray attachments, and accept tidy tests. */
@ExtendWith(NoLeakedProcesses.class)
class NoLeakedProcessesTest {

    @Test
    void acceptsATestThatLeavesNothing() {
        Set<Pid> before = NoLeakedProcesses.snapshot();
        try (ProcessScope me = Jarl.attach()) {
            kill(Jarl.spawn(ProcessTesting::blockForever));
        }
        assertThatCode(() -> NoLeakedProcesses.verify(before, NoLeakedProcesses.GRACE)).doesNotThrowAnyException();
    }

    @Test
    void waitsForProcessesThatAreEnding() {
        Set<Pid> before = NoLeakedProcesses.snapshot();
        Pid ending;
        Pid shortLived;
        try (ProcessScope me = Jarl.attach()) {
            // Ends once it has a message, after starting another short-lived process.
            ending = Jarl.spawn(() -> {
                Jarl.receive(String.class);
                Jarl.spawn(() -> Jarl.receive(String.class, Duration.ofMillis(1)));
            });
            shortLived = Jarl.spawn(() -> Jarl.receive(String.class, Duration.ofMillis(1)));
            Jarl.send(ending, "finish");
        }
        assertThatCode(() -> NoLeakedProcesses.verify(before, NoLeakedProcesses.GRACE)).doesNotThrowAnyException();
        assertThat(ending.isAlive()).isFalse();
        assertThat(shortLived.isAlive()).isFalse();
    }

    @Test
    void reportsAndKillsLeakedProcesses() {
        Set<Pid> before = NoLeakedProcesses.snapshot();
        Pid leaked = Jarl.spawn(SpawnOptions.defaults().initialCall("Leaky.loop/0").register("no-leak-test-leaky"),
                ProcessTesting::blockForever);
        assertThatThrownBy(() -> NoLeakedProcesses.verify(before, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 process(es)")
                .hasMessageContaining(leaked.toString())
                .hasMessageContaining("Leaky.loop/0")
                .hasMessageContaining("no-leak-test-leaky")
                .hasMessageContaining("WAITING")
                .hasMessageContaining("at io.jarl.Jarl.receive");
        assertThat(leaked.isAlive()).as("killed after being reported").isFalse();
        assertThat(Jarl.whereis("no-leak-test-leaky")).isEmpty();
    }

    @Test
    void reportsTheTestThreadLeftAttached() {
        Set<Pid> before = NoLeakedProcesses.snapshot();
        ProcessScope forgotten = Jarl.attach();
        assertThatThrownBy(() -> NoLeakedProcesses.verify(before, NoLeakedProcesses.GRACE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("still attached")
                .hasMessageContaining(forgotten.pid().toString());
        assertThat(Jarl.inProcess()).isFalse();
        assertThat(forgotten.pid().isAlive()).isFalse();
        forgotten.close();
        // The thread can attach again.
        try (ProcessScope again = Jarl.attach()) {
            assertThat(Jarl.inProcess()).isTrue();
        }
    }
}
