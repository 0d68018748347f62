package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Links and exit signals (reference section 1; OTP: erts/emulator/test/process_SUITE t_exit_2 group,
 * link and trap_exit semantics of the erlang module).
 */
@ExtendWith(NoLeakedProcesses.class)
class LinkAndExitTest {

    record Ping(Pid from) {}

    record Pong(Pid from) {}

    /** An echo loop: answers every Ping with a Pong, forwards every Exit message to {@code owner}. */
    static Runnable echo(Pid owner) {
        return () -> {
            while (true) {
                Object m = receive();
                if (m instanceof Ping(Pid from)) {
                    send(from, new Pong(self()));
                } else if (m instanceof Exit e) {
                    send(owner, e);
                }
            }
        };
    }

    /** A round trip proves the process is alive and has handled everything sent to it before. */
    static void assertResponsive(Pid pid) {
        send(pid, new Ping(self()));
        Pong pong = await(Pong.class);
        assertThat(pong.from()).isEqualTo(pid);
    }

    @Test
    void linkToDeadProcessGivesNoproc() {
        Pid dead = deadProcess();
        try (var me = attach()) {
            // Not trapping: the link fails with an exit noproc.
            assertThatThrownBy(() -> link(dead))
                    .isInstanceOf(ExitException.class)
                    .satisfies(e -> assertThat(((ExitException) e).reason()).isEqualTo(ExitReason.noproc()));
            assertThat(info(me.pid()).orElseThrow().links()).isEmpty();

            // Trapping: it becomes a message Exit(dead, noproc).
            trapExit(true);
            link(dead);
            Exit exit = awaitExit(dead);
            assertThat(exit.reason()).isEqualTo(ExitReason.noproc());
            assertThat(me.pid().isAlive()).isTrue();
        }
    }

    @Test
    void trapExitTurnsSignalsIntoMessages() {
        try (var me = attach()) {
            assertThat(trapExit(true)).as("previous setting").isFalse();
            assertThat(trapExit(true)).as("previous setting").isTrue();

            // exit/2 from another process (OTP t_exit_2_other): Exit(sender, reason).
            Pid target = spawn(SpawnOptions.defaults().trapExit(), echo(me.pid()));
            exit(target, ExitReason.of("garbage"));
            Exit fromSignal = await(Exit.class);
            assertThat(fromSignal).isEqualTo(new Exit(me.pid(), ExitReason.of("garbage")));

            // normal from another process, while trapping: also a message.
            exit(target, ExitReason.normal());
            assertThat(await(Exit.class)).isEqualTo(new Exit(me.pid(), ExitReason.normal()));
            // shutdown too.
            exit(target, ExitReason.shutdown());
            assertThat(await(Exit.class)).isEqualTo(new Exit(me.pid(), ExitReason.shutdown()));
            assertResponsive(target);

            // A linked process that crashes: Exit(child, crash) for the trapping linker.
            RuntimeException boom = new IllegalStateException("boom");
            Pid child = spawnLink(() -> {
                throw boom;
            });
            Exit fromLink = awaitExit(child);
            assertThat(fromLink.reason()).isEqualTo(ExitReason.crash(boom));
            // A linked process that returns: Exit(child, normal).
            Pid normal = spawnLink(() -> {});
            assertThat(awaitExit(normal).reason()).isEqualTo(ExitReason.normal());
            assertThat(me.pid().isAlive()).isTrue();

            kill(target);
        }
    }

    @Test
    void killIsUntrappable() {
        try (var me = attach()) {
            Pid trapper = spawn(SpawnOptions.defaults().trapExit(), echo(me.pid()));
            assertResponsive(trapper);
            Ref ref = monitor(trapper);
            exit(trapper, ExitReason.kill());
            Down down = awaitDown(ref);
            assertThat(down.reason()).isEqualTo(ExitReason.killed());
            assertThat(pollMatching(m -> m instanceof Exit)).as("no Exit message was forwarded").isFalse();

            // exit(self(), kill) while trapping kills too.
            var sm = spawnMonitor(SpawnOptions.defaults().trapExit(), () -> exit(self(), ExitReason.kill()));
            assertThat(awaitDown(sm.monitor()).reason()).isEqualTo(ExitReason.killed());
        }
    }

    /** OTP: process_SUITE t_exit_2_other_normal, and links of processes that end normally. */
    @Test
    void normalExitIgnoredUnlessTrapping() {
        try (var me = attach()) {
            // exit(pid, normal) from another process does not kill a process that does not trap.
            Pid plain = spawn(echo(me.pid()));
            exit(plain, ExitReason.normal());
            assertResponsive(plain);
            assertThat(plain.isAlive()).isTrue();

            // From a plain thread (sender <0.0.0>) neither.
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread outsider = Thread.ofPlatform().start(() -> {
                try {
                    exit(plain, ExitReason.normal());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            join(outsider);
            assertThat(failure.get()).isNull();
            assertResponsive(plain);

            // A linked process that ends normally does not take a non-trapping process down.
            Pid survivor = spawn(() -> {
                Pid child = spawnLink(() -> {});
                Ref ref = monitor(child);
                receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : skip());
                send(me.pid(), "survived");
                blockForever();
            });
            awaitMessage("survived");
            assertThat(survivor.isAlive()).isTrue();

            // A trapping process receives the normal signal as a message.
            Pid trapper = spawn(SpawnOptions.defaults().trapExit(), echo(me.pid()));
            exit(trapper, ExitReason.normal());
            assertThat(await(Exit.class)).isEqualTo(new Exit(me.pid(), ExitReason.normal()));

            kill(plain);
            kill(survivor);
            kill(trapper);
        }
    }

    /** OTP: process_SUITE normal_suicide_exit. */
    @Test
    void exitSelfNormalKillsSelf() {
        try (var me = attach()) {
            trapExit(true);
            AtomicBoolean reachedAfterExit = new AtomicBoolean();
            AtomicReference<Throwable> unwoundBy = new AtomicReference<>();
            java.util.concurrent.CountDownLatch unwound = new java.util.concurrent.CountDownLatch(1);
            Pid p = spawnLink(() -> {
                try {
                    exit(self(), ExitReason.normal());
                    reachedAfterExit.set(true);
                } catch (Throwable t) {
                    unwoundBy.set(t);
                    throw t;
                } finally {
                    unwound.countDown();
                }
            });
            Exit exit = awaitExit(p);
            assertThat(exit.reason()).isEqualTo(ExitReason.normal());
            // The links hear of the exit before the process's own thread has unwound.
            try {
                assertThat(unwound.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(reachedAfterExit).isFalse();
            assertThat(unwoundBy.get()).isInstanceOf(ProcessExitedError.class);
        }
    }

    /** OTP: process_SUITE abnormal_suicide_exit and t_exit_2_catch: exit(self(), R) cannot be caught. */
    @Test
    void exitSelfAbnormalCannotBeCaught() {
        try (var me = attach()) {
            trapExit(true);
            Pid p = spawnLink(() -> {
                try {
                    exit(self(), ExitReason.of("die"));
                } catch (Exception caught) {
                    // Erlang's catch: must not stop the signal
                }
                send(me.pid(), "survived exit(self(), die)");
            });
            Exit exit = awaitExit(p);
            assertThat(exit.reason()).isEqualTo(ExitReason.of("die"));
            assertThat(pollMatching("survived exit(self(), die)"::equals)).isFalse();
        }
    }

    /** OTP: process_SUITE self_exit: a trapping process that signals itself gets the message. */
    @Test
    void exitSelfWhileTrappingIsAMessage() {
        try (var me = attach()) {
            trapExit(true);
            exit(me.pid(), ExitReason.of("garbage"));
            assertThat(awaitExit(me.pid()).reason()).isEqualTo(ExitReason.of("garbage"));
            exit(me.pid(), ExitReason.normal());
            assertThat(awaitExit(me.pid()).reason()).isEqualTo(ExitReason.normal());
            assertThat(me.pid().isAlive()).isTrue();
        }
    }

    /** OTP: process_SUITE exit_twice: a second exit signal to a dead process changes nothing. */
    @Test
    void exitTwiceFirstReasonWins() {
        try (var me = attach()) {
            Pid p = spawn(ProcessTesting::blockForever);
            Ref ref = monitor(p);
            exit(p, ExitReason.of("first"));
            exit(p, ExitReason.of("second"));
            exit(p, ExitReason.kill());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("first"));
            assertThat(pollMatching(m -> m instanceof Down)).as("exactly one Down").isFalse();
        }
    }

    @Test
    void exitSignalWithOtherReasonKillsNonTrappingProcess() {
        try (var me = attach()) {
            Pid p = spawn(echo(me.pid()));
            Ref ref = monitor(p);
            exit(p, ExitReason.shutdown());
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, p, ExitReason.shutdown()));
            Pid q = spawn(echo(me.pid()));
            Ref ref2 = monitor(q);
            exit(q, ExitReason.shutdown("detail"));
            assertThat(awaitDown(ref2).reason()).isEqualTo(ExitReason.shutdown("detail"));
        }
    }

    @Test
    void linkIsIdempotentAndBidirectional() {
        try (var me = attach()) {
            trapExit(true);
            Pid a = spawn(echo(me.pid()));
            link(a);
            link(a);
            link(a);
            assertThat(info(me.pid()).orElseThrow().links()).containsExactly(a);
            assertThat(info(a).orElseThrow().links()).containsExactly(me.pid());

            // One unlink removes the link however many times it was made.
            unlink(a);
            assertThat(info(me.pid()).orElseThrow().links()).isEmpty();
            assertThat(info(a).orElseThrow().links()).isEmpty();

            // Bidirectional: made from the other side, it still tells this side.
            Pid b = spawn(() -> {
                link(me.pid());
                send(me.pid(), "linked");
                blockForever();
            });
            awaitMessage("linked");
            assertThat(info(me.pid()).orElseThrow().links()).containsExactly(b);
            exit(b, ExitReason.of("bye"));
            assertThat(awaitExit(b).reason()).isEqualTo(ExitReason.of("bye"));

            // And this side's death tells the other side: a dies with our reason.
            Pid c = spawn(echo(me.pid()));
            Ref watchC = monitor(c);
            Pid middle = spawn(() -> {
                link(c);
                send(me.pid(), "linked");
                exit(ExitReason.of("middle died"));
            });
            awaitMessage("linked");
            assertThat(awaitDown(watchC).reason()).isEqualTo(ExitReason.of("middle died"));
            awaitDeath(middle);
            kill(a);
        }
    }

    @Test
    void linkToSelfDoesNothing() {
        try (var me = attach()) {
            link(me.pid());
            assertThat(info(me.pid()).orElseThrow().links()).isEmpty();
        }
    }

    @Test
    void unlinkRemovesBothDirections() {
        try (var me = attach()) {
            Pid a = spawn(echo(me.pid()));
            Pid b = spawn(() -> {
                link(a);
                send(me.pid(), "linked");
                receive(String.class); // "unlink"
                unlink(a);
                send(me.pid(), "unlinked");
                receive(String.class); // "crash"
                throw new IllegalStateException("b crashes after unlinking");
            });
            awaitMessage("linked");
            assertThat(info(a).orElseThrow().links()).containsExactly(b);
            send(b, "unlink");
            awaitMessage("unlinked");
            assertThat(info(a).orElseThrow().links()).isEmpty();
            assertThat(info(b).orElseThrow().links()).isEmpty();

            Ref ref = monitor(b);
            send(b, "crash");
            assertThat(awaitDown(ref).reason()).isInstanceOf(ExitReason.Crash.class);
            assertResponsive(a);
            kill(a);
        }
    }

    @Test
    void unlinkThenExitDoesNotKill() {
        try (var me = attach()) {
            Pid partner = spawnLink(ProcessTesting::blockForever);
            unlink(partner);
            Ref ref = monitor(partner);
            exit(partner, ExitReason.of("crashed"));
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.of("crashed"));
            assertThat(me.pid().isAlive()).isTrue();
            assertThat(inProcess()).isTrue();

            // The other direction: the partner unlinks, then this process dies; the partner lives.
            Pid other = spawn(() -> {
                receive(Pid.class);
                send(me.pid(), "ready");
                blockForever();
            });
            Pid dying = spawn(() -> {
                link(other);
                unlink(other);
                send(other, self());
                receive(String.class);
                exit(ExitReason.of("crashed"));
            });
            awaitMessage("ready");
            Ref watchDying = monitor(dying);
            send(dying, "go");
            awaitDown(watchDying);
            assertThat(other.isAlive()).isTrue();
            assertThat(info(other).orElseThrow().links()).isEmpty();
            kill(other);
        }
    }

    @Test
    void exitKillSendsKilledToLinks() {
        try (var me = attach()) {
            trapExit(true);
            Pid victim = spawnLink(ProcessTesting::blockForever);
            // A non-trapping process linked to the victim dies with killed, not kill.
            Pid bystander = spawn(() -> {
                link(victim);
                send(me.pid(), "linked");
                blockForever();
            });
            awaitMessage("linked");
            Ref watchBystander = monitor(bystander);
            exit(victim, ExitReason.kill());
            assertThat(awaitExit(victim).reason()).isEqualTo(ExitReason.killed());
            assertThat(awaitDown(watchBystander).reason()).isEqualTo(ExitReason.killed());
        }
    }

    @Test
    void linkedCrashPropagates() {
        try (var me = attach()) {
            // A chain: me (watching) -> head -- middle -- tail; the tail crashes.
            RuntimeException boom = new IllegalArgumentException("tail crashed");
            AtomicReference<Pid> tailRef = new AtomicReference<>();
            Pid head = spawn(() -> {
                Pid middle = spawnLink(() -> {
                    Pid tail = spawnLink(() -> {
                        receive(String.class);
                        throw boom;
                    });
                    tailRef.set(tail);
                    send(me.pid(), "built");
                    blockForever();
                });
                blockForever();
            });
            Ref watchHead = monitor(head);
            awaitMessage("built");
            Pid tail = tailRef.get();
            Ref watchTail = monitor(tail);
            send(tail, "crash");
            assertThat(awaitDown(watchTail).reason()).isEqualTo(ExitReason.crash(boom));
            Down headDown = awaitDown(watchHead);
            assertThat(headDown.reason()).isEqualTo(ExitReason.crash(boom));
            assertThat(((ExitReason.Crash) headDown.reason()).error()).isSameAs(boom);
        }
    }

    /**
     * A process that itself exits with reason {@code kill} sends {@code kill} to its links as an
     * ordinary link signal: trappable, and a non-trapping linked process dies with reason
     * {@code kill} (not {@code killed}). Only exit/2 with kill is untrappable.
     */
    @Test
    void exitReasonKillFromLinkIsTrappable() {
        try (var me = attach()) {
            trapExit(true);
            Pid p = spawnLink(() -> {
                receive(String.class);
                exit(ExitReason.kill());
            });
            send(p, "go");
            Exit exit = awaitExit(p);
            assertThat(exit.reason()).isEqualTo(ExitReason.kill());
            assertThat(me.pid().isAlive()).isTrue();

            // A non-trapping process linked to one that exits with kill dies with reason kill.
            Pid plain = spawn(() -> {
                Pid q = spawnLink(() -> {
                    receive(String.class);
                    exit(ExitReason.kill());
                });
                send(me.pid(), q);
                blockForever();
            });
            Ref watchPlain = monitor(plain);
            Pid q = await(Pid.class);
            send(q, "go");
            assertThat(awaitDown(watchPlain).reason()).isEqualTo(ExitReason.kill());
        }
    }

    @Test
    void exitFromPlainThreadComesFromAPidThatIsNeverAlive() {
        try (var me = attach()) {
            Pid trapper = spawn(SpawnOptions.defaults().trapExit(), echo(me.pid()));
            assertResponsive(trapper);
            Thread outsider = Thread.ofPlatform().start(() -> exit(trapper, ExitReason.of("from outside")));
            join(outsider);
            Exit exit = await(Exit.class);
            assertThat(exit.reason()).isEqualTo(ExitReason.of("from outside"));
            assertThat(exit.from().isAlive()).isFalse();
            assertThat(exit.from()).isNotEqualTo(me.pid()).isNotEqualTo(trapper);
            kill(trapper);
        }
    }

    @Test
    void exitToDeadPidIsIgnored() {
        Pid dead = deadProcess();
        try (var me = attach()) {
            exit(dead, ExitReason.of("whatever"));
            exit(dead, ExitReason.kill());
            assertThat(me.pid().isAlive()).isTrue();
        }
    }
}
