package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Plain threads as processes: attach() and run() (see {@link Jarl}, "Calling from a process, or not"). */
@ExtendWith(NoLeakedProcesses.class)
class PlainThreadTest {

    record Hello(Pid from) {}

    @Test
    void attachGivesPlainThreadAMailbox() {
        assertThat(inProcess()).isFalse();
        assertThatThrownBy(Jarl::self).isInstanceOf(NotAProcessException.class);
        assertThatThrownBy(() -> receive(Duration.ZERO)).isInstanceOf(NotAProcessException.class);

        Pid pid;
        try (var me = attach()) {
            pid = me.pid();
            assertThat(inProcess()).isTrue();
            assertThat(self()).isEqualTo(pid);
            assertThat(pid.isAlive()).isTrue();
            assertThat(processes()).contains(pid);
            assertThat(info(pid).orElseThrow().initialCall()).contains(Thread.currentThread().getName());

            spawn(() -> send(pid, new Hello(self())));
            Hello hello = await(Hello.class);
            assertThat(hello.from()).isNotEqualTo(pid);
            assertThatThrownBy(Jarl::attach).as("attached twice").isInstanceOf(IllegalStateException.class);
        }
        assertThat(pid.isAlive()).isFalse();
        assertThat(inProcess()).isFalse();
        assertThatThrownBy(Jarl::self).isInstanceOf(NotAProcessException.class);
        send(pid, "dropped"); // a dead pid

        // The thread can attach again, as a new process.
        try (var again = attach()) {
            assertThat(again.pid()).isNotEqualTo(pid);
        }
    }

    @Test
    void attachOnAnotherPlainThread() throws InterruptedException {
        try (var me = attach()) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = Thread.ofPlatform().name("plain-thread-test").start(() -> {
                try (var scope = attach()) {
                    send(me.pid(), scope.pid());
                    String m = receive(String.class, WAIT).orElseThrow();
                    send(me.pid(), m + " back");
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            Pid other = await(Pid.class);
            Ref ref = monitor(other);
            send(other, "ping");
            awaitMessage("ping back");
            assertThat(info(other).orElseThrow().initialCall()).contains("plain-thread-test");
            release.countDown();
            assertThat(awaitDown(ref).reason()).as("closing the scope ends it normally").isEqualTo(ExitReason.normal());
            join(t);
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void closingTheScopeTwiceIsHarmless() {
        var scope = attach();
        Pid pid = scope.pid();
        scope.close();
        scope.close();
        assertThat(pid.isAlive()).isFalse();
        assertThat(inProcess()).isFalse();
    }

    /** An attached process killed while the thread is elsewhere: its next runtime call throws. */
    @Test
    void killedAttachedThreadGetsProcessExitedError() throws InterruptedException {
        try (var me = attach()) {
            CountDownLatch killed = new CountDownLatch(1);
            spawn(() -> {
                exit(me.pid(), ExitReason.kill());
                killed.countDown();
            });
            assertThat(killed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(me.pid().isAlive()).isFalse();
            assertThatThrownBy(() -> send(me.pid(), "x")).isInstanceOf(ProcessExitedError.class)
                    .satisfies(e -> assertThat(((ProcessExitedError) e).reason()).isEqualTo(ExitReason.killed()))
                    .satisfies(e -> assertThat(((ProcessExitedError) e).pid()).isEqualTo(me.pid()));
            assertThatThrownBy(Jarl::self).isInstanceOf(ProcessExitedError.class);
            assertThatThrownBy(() -> receive(Duration.ZERO)).isInstanceOf(ProcessExitedError.class);
            assertThat(inProcess()).isFalse();
        }
        assertThat(inProcess()).isFalse();
        try (var again = attach()) {
            assertThat(inProcess()).isTrue();
        }
    }

    /**
     * An attached thread blocked in receive is woken by the exit signal that kills its process.
     * The receive has no timeout (a timed-out receive of a dead process would throw as well); the
     * test's timeout is the bound.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void killedAttachedThreadBlockedInReceiveWakesUp() {
        try (var me = attach()) {
            Thread attached = Thread.currentThread();
            spawn(() -> {
                awaitBlocked(me.pid(), attached); // the attached thread is parked in the receive below
                exit(me.pid(), ExitReason.of("stop waiting"));
            });
            assertThatThrownBy(() -> receive(Integer.class))
                    .isInstanceOf(ProcessExitedError.class)
                    .satisfies(e -> assertThat(((ProcessExitedError) e).reason())
                            .isEqualTo(ExitReason.of("stop waiting")));
            assertThat(me.pid().isAlive()).isFalse();
        }
    }

    @Test
    void runReturnsResult() {
        assertThat(run(() -> 6 * 7)).isEqualTo(42);
        assertThat(inProcess()).as("run leaves the plain thread plain").isFalse();
        // The block runs in its own process.
        try (var me = attach()) {
            Pid inner = run(Jarl::self);
            assertThat(inner).isNotEqualTo(me.pid());
            assertThat(inner.isAlive()).isFalse();
            assertThat(run(() -> {
                send(me.pid(), "from the block");
                return "done";
            })).isEqualTo("done");
            awaitMessage("from the block");
            assertThat((Object) run(() -> null)).isNull();
        }
    }

    @Test
    void runRethrowsCrash() {
        IllegalStateException boom = new IllegalStateException("run crashed");
        assertThatThrownBy(() -> run(() -> {
            throw boom;
        })).isInstanceOf(ExitException.class)
                .satisfies(e -> assertThat(((ExitException) e).reason()).isEqualTo(ExitReason.crash(boom)))
                .hasCause(boom);

        IOException checked = new IOException("checked");
        assertThatThrownBy(() -> run(() -> {
            throw checked;
        })).isInstanceOf(ExitException.class)
                .satisfies(e -> assertThat(((ExitException) e).reason()).isEqualTo(ExitReason.crash(checked)));

        assertThatThrownBy(() -> run(() -> exit(ExitReason.shutdown())))
                .isInstanceOf(ExitException.class)
                .satisfies(e -> assertThat(((ExitException) e).reason()).isEqualTo(ExitReason.shutdown()));
        assertThat(inProcess()).isFalse();

        // From a process, too; the caller survives (it is not linked).
        try (var me = attach()) {
            assertThatThrownBy(() -> run(() -> {
                throw boom;
            })).isInstanceOf(ExitException.class);
            assertThat(me.pid().isAlive()).isTrue();
        }
    }
}
