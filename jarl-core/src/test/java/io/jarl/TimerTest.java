package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Timers (reference section 1; OTP: erlang:send_after/3, cancel_timer/1, read_timer/1,
 * timer:exit_after/3). The only timing assertions are generous bounds: time left is never more
 * than was asked for.
 */
@ExtendWith(NoLeakedProcesses.class)
class TimerTest {

    record Tick(int n) {}

    @Test
    void sendAfterDelivers() {
        try (var me = attach()) {
            Ref timer = sendAfter(me.pid(), new Tick(1), Duration.ofMillis(10));
            assertThat(await(Tick.class)).isEqualTo(new Tick(1));
            assertThat(Jarl.readTimer(timer)).as("a fired timer is not pending").isEmpty();

            // Zero delay: delivered too.
            sendAfter(me.pid(), new Tick(2), Duration.ZERO);
            assertThat(await(Tick.class)).isEqualTo(new Tick(2));

            // By name: the process registered under the name when the timer fires.
            register("timer-test-me", me.pid());
            sendAfter("timer-test-me", new Tick(3), Duration.ofMillis(5));
            assertThat(await(Tick.class)).isEqualTo(new Tick(3));
            unregister("timer-test-me");
        }
    }

    @Test
    void cancelTimerReturnsTimeLeft() {
        try (var me = attach()) {
            Duration asked = Duration.ofHours(1);
            Ref timer = sendAfter(me.pid(), new Tick(1), asked);
            Optional<Duration> left = cancelTimer(timer);
            assertThat(left).isPresent();
            assertThat(left.get()).isPositive().isLessThanOrEqualTo(asked);
            assertThat(cancelTimer(timer)).as("a second cancel").isEmpty();
            assertThat(Jarl.readTimer(timer)).isEmpty();
            assertThat(cancelTimer(makeRef())).as("a reference that is not a timer").isEmpty();

            // A cancelled timer never delivers: a later timer, fired by the same timer service,
            // arrives alone. (If the test thread was descheduled so long that the short timer fired
            // before it could be cancelled, try again with a longer one.)
            Duration delay = Duration.ofMillis(100);
            for (int attempt = 0; ; attempt++, delay = delay.multipliedBy(2)) {
                Ref shortTimer = sendAfter(me.pid(), new Tick(100 + attempt), delay);
                if (cancelTimer(shortTimer).isPresent()) {
                    break;
                }
                await(Tick.class); // it fired first: drop it and retry
                assertThat(attempt).as("attempts to cancel a timer in time").isLessThan(5);
            }
            sendAfter(me.pid(), "sentinel", delay.plusMillis(20));
            awaitMessage("sentinel");
            assertThat(pollMatching(m -> m instanceof Tick)).as("the cancelled timer delivered").isFalse();
        }
    }

    @Test
    void cancelFiredTimerReturnsEmpty() {
        try (var me = attach()) {
            Ref timer = sendAfter(me.pid(), new Tick(1), Duration.ofMillis(1));
            await(Tick.class);
            assertThat(cancelTimer(timer)).isEmpty();
            assertThat(Jarl.readTimer(timer)).isEmpty();
        }
    }

    @Test
    void readTimer() {
        try (var me = attach()) {
            Duration asked = Duration.ofMinutes(10);
            Ref timer = sendAfter(me.pid(), new Tick(1), asked);
            Duration first = Jarl.readTimer(timer).orElseThrow();
            Duration second = Jarl.readTimer(timer).orElseThrow();
            assertThat(first).isPositive().isLessThanOrEqualTo(asked);
            assertThat(second).isLessThanOrEqualTo(first);
            assertThat(Jarl.readTimer(timer)).as("reading does not cancel").isPresent();
            assertThat(cancelTimer(timer)).isPresent();
            assertThat(Jarl.readTimer(timer)).isEmpty();
            assertThat(Jarl.readTimer(makeRef())).isEmpty();
        }
    }

    @Test
    void exitAfter() {
        try (var me = attach()) {
            // A process that does not trap exits ends with the reason.
            Pid p = spawn(ProcessTesting::blockForever);
            Ref ref = monitor(p);
            Ref timer = Jarl.exitAfter(p, ExitReason.shutdown(), Duration.ofMillis(10));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
            assertThat(Jarl.readTimer(timer)).isEmpty();

            // A trapping one receives Exit from the process that set the timer.
            Pid trapper = spawn(SpawnOptions.defaults().trapExit(), () -> {
                Exit e = receive(Exit.class);
                send(me.pid(), e);
            });
            Jarl.exitAfter(trapper, ExitReason.of("late"), Duration.ofMillis(5));
            assertThat(await(Exit.class)).isEqualTo(new Exit(me.pid(), ExitReason.of("late")));

            // kill is untrappable from a timer too.
            Pid trapper2 = spawn(SpawnOptions.defaults().trapExit(), ProcessTesting::blockForever);
            Ref ref2 = monitor(trapper2);
            Jarl.exitAfter(trapper2, ExitReason.kill(), Duration.ofMillis(1));
            assertThat(awaitDown(ref2).reason()).isEqualTo(ExitReason.killed());

            // Cancelled: nothing happens.
            Pid spared = spawn(ProcessTesting::blockForever);
            Ref cancelled = Jarl.exitAfter(spared, ExitReason.kill(), Duration.ofHours(1));
            assertThat(cancelTimer(cancelled)).isPresent();
            assertThat(spared.isAlive()).isTrue();
            awaitDeath(trapper);
            kill(spared);
        }
    }

    /** A timer to a dead process is dropped, without error, whether by pid or by a vanished name. */
    @Test
    void timerToDeadProcessDropped() {
        Pid dead = deadProcess();
        try (var me = attach()) {
            sendAfter(dead, new Tick(1), Duration.ZERO);
            sendAfter(dead, new Tick(2), Duration.ofMillis(5));
            sendAfter("timer-test-nobody", new Tick(3), Duration.ofMillis(5));
            Jarl.exitAfter(dead, ExitReason.kill(), Duration.ofMillis(5));
            // Timers share one service and fire in deadline order: once this one arrives, the
            // others have fired (and dropped their messages).
            sendAfter(me.pid(), "sentinel", Duration.ofMillis(30));
            awaitMessage("sentinel");
            assertThat(me.pid().isAlive()).isTrue();
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    /**
     * OTP (erlang:send_after/3): "If Dest is a pid(), the timer is automatically canceled if the
     * process referred to by the pid() is not alive, or if the process exits." So such a timer is
     * no longer pending: read_timer and cancel_timer return false.
     */
    @Test
    void timerToDeadProcessIsCancelled() {
        Pid dead = deadProcess();
        List<Ref> timers = new ArrayList<>();
        try (var me = attach()) {
            Ref toDead = sendAfter(dead, new Tick(1), Duration.ofHours(1));
            timers.add(toDead);
            Pid dying = spawn(ProcessTesting::blockForever);
            Ref toDying = sendAfter(dying, new Tick(2), Duration.ofHours(1));
            timers.add(toDying);
            assertThat(Jarl.readTimer(toDying)).isPresent();
            kill(dying);

            assertThat(Jarl.readTimer(toDead)).as("timer to a pid that was already dead").isEmpty();
            assertThat(Jarl.readTimer(toDying)).as("timer to a pid that has since died").isEmpty();
            assertThat(cancelTimer(toDying)).isEmpty();
        } finally {
            timers.forEach(Jarl::cancelTimer); // do not leave hour-long timers behind
        }
    }

    /**
     * 100,000 pending timers do not each take a thread, and cancelling them, or letting them fire,
     * leaves nothing behind. (Thread.activeCount counts platform threads, which a timer service
     * would need; it must not grow by more than the one shared timer thread and some slack.)
     */
    @Test
    void manyTimersAreCheap() {
        int pending = 100_000, firing = 10_000;
        try (var me = attach()) {
            // The shared timer thread exists once any timer was started.
            cancelTimer(sendAfter(me.pid(), "warm-up", Duration.ofHours(1)));
            int threadsBefore = Thread.activeCount();

            List<Ref> timers = new ArrayList<>(pending);
            for (int i = 0; i < pending; i++) {
                timers.add(sendAfter(me.pid(), new Tick(-1), Duration.ofHours(1).plusMillis(i)));
            }
            for (int i = 0; i < firing; i++) {
                sendAfter(me.pid(), new Tick(i), Duration.ofMillis(i % 20));
            }
            assertThat(Thread.activeCount()).as("platform threads with %d timers pending", pending + firing)
                    .isLessThanOrEqualTo(threadsBefore + 2);

            BitSet fired = new BitSet(firing);
            for (int i = 0; i < firing; i++) {
                Tick t = await(Tick.class);
                assertThat(t.n()).isNotNegative();
                assertThat(fired.get(t.n())).as("tick %d twice", t.n()).isFalse();
                fired.set(t.n());
            }
            assertThat(fired.cardinality()).isEqualTo(firing);

            for (Ref timer : timers) {
                assertThat(cancelTimer(timer)).isPresent();
            }
            for (Ref timer : timers.subList(0, 100)) {
                assertThat(Jarl.readTimer(timer)).isEmpty();
            }
            assertThat(receive(Duration.ZERO)).isEmpty();
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 2);
        }
    }
}
