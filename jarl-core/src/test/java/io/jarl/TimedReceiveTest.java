package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Timed receives, whose long waits are woken by the timing wheel (Waker). */
@ExtendWith(NoLeakedProcesses.class)
class TimedReceiveTest {

    record TimedOut(Pid pid, long waitedNanos) {}

    @Test
    void aTimedReceiveNeverReturnsBeforeItsTimeout() {
        try (var me = attach()) {
            for (Duration timeout : List.of(Duration.ofMillis(1), Duration.ofMillis(3), Duration.ofMillis(20))) {
                long start = System.nanoTime();
                assertThat(receive(m -> skip(), timeout)).isEmpty();
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
            }
        }
    }

    @Test
    void tenThousandConcurrentTimedReceivesAllTimeOut() {
        try (var me = attach()) {
            Pid owner = self();
            List<Ref> monitors = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                // Different timeouts, so the wheel holds entries in many slots, some in its next turn.
                Duration timeout = Duration.ofMillis(5 + (i % 1500));
                monitors.add(spawnMonitor(() -> {
                    long start = System.nanoTime();
                    if (receive(m -> skip(), timeout).isEmpty()) {
                        send(owner, new TimedOut(self(), System.nanoTime() - start));
                    }
                }).monitor());
            }
            for (int i = 0; i < 10_000; i++) {
                TimedOut t = receive(TimedOut.class, Duration.ofSeconds(10)).orElseThrow(
                        () -> new AssertionError("a timed receive did not time out"));
                assertThat(t.waitedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(5).toNanos());
            }
            for (Ref ref : monitors) {
                awaitDown(ref);
            }
        }
    }

    @Test
    void aMessageEndsATimedReceiveAndLaterWaitsStillTimeOut() {
        try (var me = attach()) {
            // A long wait ended early by a message leaves an entry in the wheel; a shorter wait that
            // follows must still be woken on time, and a longer one must not be woken early.
            Pid self = self();
            spawn(() -> send(self, "early"));
            assertThat(receive(Duration.ofSeconds(30))).contains("early");
            long start = System.nanoTime();
            assertThat(receive(m -> skip(), Duration.ofMillis(10))).isEmpty();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(10).toNanos());
            start = System.nanoTime();
            assertThat(receive(m -> skip(), Duration.ofMillis(40))).isEmpty();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
        }
    }
}
