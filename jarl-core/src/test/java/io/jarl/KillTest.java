package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Killing processes wherever they are: blocked in a receive, asleep, or running code that never
 * calls the runtime (reference section 1, and "Where Java differs from the BEAM" in {@link Jarl}).
 */
@ExtendWith(NoLeakedProcesses.class)
class KillTest {

    /** What a killed process's thread saw, and the thread itself, to join it. */
    static final class Observed {
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicReference<Throwable> unwoundBy = new AtomicReference<>();
        final AtomicBoolean continued = new AtomicBoolean();
    }

    /** Runs {@code blocking} in the process, recording how the thread left it. */
    static Runnable recording(Observed o, Pid owner, Runnable blocking) {
        return () -> {
            o.thread.set(Thread.currentThread());
            send(owner, "ready");
            try {
                blocking.run();
                o.continued.set(true);
            } catch (Throwable t) {
                o.unwoundBy.set(t);
                throw t;
            }
        };
    }

    @Test
    void killBlockedInReceiveIsImmediate() {
        try (var me = attach()) {
            Observed o = new Observed();
            Pid p = spawn(recording(o, me.pid(), () -> receive()));
            Ref ref = monitor(p);
            awaitMessage("ready");
            awaitBlocked(p, o.thread.get());

            exit(p, ExitReason.kill());
            assertThat(p.isAlive()).as("dead as soon as exit/2 returns").isFalse();
            assertThat(info(p)).isEmpty();
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.killed());
            // Its thread leaves the receive at once (a bounded join), without taking a message.
            join(o.thread.get());
            assertThat(o.continued).isFalse();
            assertThat(o.unwoundBy.get()).isInstanceOf(ProcessExitedError.class);
            assertThat(((ProcessExitedError) o.unwoundBy.get()).reason()).isEqualTo(ExitReason.killed());
            assertThat(((ProcessExitedError) o.unwoundBy.get()).pid()).isEqualTo(p);
        }
    }

    @Test
    void exitSignalEndsBlockedReceiveWithTimeout() {
        try (var me = attach()) {
            Observed o = new Observed();
            Pid p = spawn(recording(o, me.pid(), () -> receive(String.class, Duration.ofHours(1))));
            Ref ref = monitor(p);
            awaitMessage("ready");
            awaitBlocked(p, o.thread.get());
            exit(p, ExitReason.shutdown());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
            join(o.thread.get());
            assertThat(o.continued).isFalse();
        }
    }

    @Test
    void killBlockedInSleep() {
        try (var me = attach()) {
            Observed o = new Observed();
            Pid p = spawn(recording(o, me.pid(), () -> sleep(Duration.ofHours(1))));
            Ref ref = monitor(p);
            awaitMessage("ready");
            awaitBlocked(p, o.thread.get());
            exit(p, ExitReason.kill());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.killed());
            join(o.thread.get());
            assertThat(o.continued).as("the sleep must not complete").isFalse();
            assertThat(o.unwoundBy.get()).isInstanceOf(ProcessExitedError.class);
        }
    }

    /**
     * A process spinning in a loop that checks nothing but a flag cannot be preempted; it must
     * still be dead for everyone at once (Down with killed, name freed, messages dropped), and its
     * next runtime call must throw {@link ProcessExitedError}.
     */
    @Test
    void killCpuBoundProcessTreatedAsDeadAtOnce() throws InterruptedException {
        try (var me = attach()) {
            AtomicBoolean release = new AtomicBoolean();
            AtomicReference<Throwable> nextCall = new AtomicReference<>();
            CountDownLatch observed = new CountDownLatch(1);
            AtomicReference<Thread> thread = new AtomicReference<>();
            Pid p = spawn(SpawnOptions.defaults().register("kill-test-spinner"), () -> {
                thread.set(Thread.currentThread());
                send(me.pid(), "spinning");
                long spins = 0;
                while (!release.get()) {
                    spins++; // CPU-bound: no runtime call, no blocking
                }
                try {
                    send(me.pid(), "spun " + spins); // the next runtime call
                } catch (Throwable t) {
                    nextCall.set(t);
                    throw t;
                } finally {
                    observed.countDown();
                }
            });
            Ref ref = monitor(p);
            Ref byName = monitor("kill-test-spinner");
            awaitMessage("spinning");

            exit(p, ExitReason.kill());
            // Dead for everyone at once, although its code is still running.
            assertThat(p.isAlive()).isFalse();
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.killed());
            assertThat(awaitDown(byName)).isEqualTo(new Down(byName, "kill-test-spinner", ExitReason.killed()));
            assertThat(whereis("kill-test-spinner")).isEmpty();
            assertThat(registered()).doesNotContain("kill-test-spinner");
            assertThat(processes()).doesNotContain(p);
            assertThat(info(p)).isEmpty();
            send(p, "dropped"); // no error
            Ref late = monitor(p);
            assertThat(awaitDown(late).reason()).isEqualTo(ExitReason.noproc());
            assertThat(thread.get().isAlive()).as("the spinning code is still running").isTrue();

            // Let it reach the runtime: that call throws ProcessExitedError.
            release.set(true);
            assertThat(observed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(nextCall.get()).isInstanceOf(ProcessExitedError.class);
            ProcessExitedError e = (ProcessExitedError) nextCall.get();
            assertThat(e.pid()).isEqualTo(p);
            assertThat(e.reason()).isEqualTo(ExitReason.killed());
            assertThat(pollMatching(m -> m instanceof String s && s.startsWith("spun"))).isFalse();
            join(thread.get());
        }
    }

    @Test
    void killedProcessCannotSpawnOrSignal() throws InterruptedException {
        try (var me = attach()) {
            AtomicBoolean release = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(3);
            AtomicReference<Throwable> spawnFailure = new AtomicReference<>();
            AtomicReference<Throwable> selfFailure = new AtomicReference<>();
            AtomicReference<Throwable> receiveFailure = new AtomicReference<>();
            Pid p = spawn(() -> {
                send(me.pid(), "spinning");
                while (!release.get()) {
                    Thread.onSpinWait();
                }
                try {
                    spawn(() -> send(me.pid(), "child of a dead process ran"));
                } catch (Throwable t) {
                    spawnFailure.set(t);
                }
                done.countDown();
                try {
                    self();
                } catch (Throwable t) {
                    selfFailure.set(t);
                }
                done.countDown();
                try {
                    receive(Duration.ZERO);
                } catch (Throwable t) {
                    receiveFailure.set(t);
                }
                done.countDown();
            });
            awaitMessage("spinning");
            kill(p);
            release.set(true);
            assertThat(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(spawnFailure.get()).isInstanceOf(ProcessExitedError.class);
            assertThat(selfFailure.get()).isInstanceOf(ProcessExitedError.class);
            assertThat(receiveFailure.get()).isInstanceOf(ProcessExitedError.class);
        }
    }
}
