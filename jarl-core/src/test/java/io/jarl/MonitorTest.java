package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Monitors (reference section 1; OTP: erts/emulator/test/monitor_SUITE case_1, mon_error,
 * demon_error, demonitor_flush, named_down).
 */
@ExtendWith(NoLeakedProcesses.class)
class MonitorTest {

    @Test
    void monitorDeliversOneDownWithTheReason() {
        try (var me = attach()) {
            Pid p = spawn(() -> {
                receive(String.class);
                exit(ExitReason.of("done"));
            });
            Ref ref = monitor(p);
            send(p, "go");
            Down down = awaitDown(ref);
            assertThat(down).isEqualTo(new Down(ref, p, ExitReason.of("done")));
            assertThat(down.pid()).contains(p);
            assertThat(pollMatching(m -> m instanceof Down)).as("exactly one Down").isFalse();
        }
    }

    @Test
    void monitorIsStackable() {
        try (var me = attach()) {
            Pid p = spawn(ProcessTesting::blockForever);
            Ref first = monitor(p);
            Ref second = monitor(p);
            Ref third = monitor(p);
            assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
            assertThat(info(p).orElseThrow().monitoredBy()).containsExactly(me.pid());

            // Removing one leaves the others.
            assertThat(demonitor(second)).isTrue();
            // exit/2 ends the process at once, so every Down it sends is queued when it returns.
            exit(p, ExitReason.of("stop"));
            assertThat(awaitDown(first).reason()).isEqualTo(ExitReason.of("stop"));
            assertThat(awaitDown(third).reason()).isEqualTo(ExitReason.of("stop"));
            assertThat(pollDown(second)).as("no Down for the removed monitor").isFalse();
            assertThat(pollMatching(m -> m instanceof Down)).isFalse();
        }
    }

    @Test
    void monitorIsOneWay() {
        try (var me = attach()) {
            Pid watched = spawn(ProcessTesting::blockForever);
            Pid watcher = spawn(() -> {
                monitor(watched);
                send(me.pid(), "monitoring");
                receive(String.class);
                throw new IllegalStateException("the watcher crashes");
            });
            awaitMessage("monitoring");
            assertThat(info(watched).orElseThrow().monitoredBy()).containsExactly(watcher);
            assertThat(info(watcher).orElseThrow().monitors()).containsExactly(watched);
            Ref ref = monitor(watcher);
            send(watcher, "crash");
            awaitDown(ref);
            assertThat(watched.isAlive()).as("a watcher's death does not reach the watched process").isTrue();
            assertThat(info(watched).orElseThrow().monitoredBy()).isEmpty();
            kill(watched);
        }
    }

    /** OTP: monitor_SUITE mon_error: monitoring a dead process gives an immediate noproc Down. */
    @Test
    void monitorDeadGivesNoproc() {
        Pid dead = deadProcess();
        try (var me = attach()) {
            Ref ref = monitor(dead);
            assertThat(awaitDown(ref)).isEqualTo(new Down(ref, dead, ExitReason.noproc()));
            assertThat(demonitor(ref)).as("no monitor was left active").isFalse();
        }
    }

    /** OTP: monitor_SUITE named_down: the Down names the name the monitor was made with. */
    @Test
    void monitorByNameReportsName() {
        try (var me = attach()) {
            Pid p = spawn(SpawnOptions.defaults().register("monitor-test-named"), ProcessTesting::blockForever);
            Ref ref = monitor("monitor-test-named");
            exit(p, ExitReason.of("bye"));
            Down down = awaitDown(ref);
            assertThat(down.object()).isEqualTo("monitor-test-named");
            assertThat(down.pid()).isEmpty();
            assertThat(down.reason()).isEqualTo(ExitReason.of("bye"));

            // An unknown name: an immediate Down with noproc, naming the name.
            Ref unknown = monitor("monitor-test-nobody");
            assertThat(awaitDown(unknown)).isEqualTo(new Down(unknown, "monitor-test-nobody", ExitReason.noproc()));
        }
    }

    @Test
    void monitorByNameFollowsTheProcessNotTheName() {
        try (var me = attach()) {
            Pid p = spawn(SpawnOptions.defaults().register("monitor-test-moving"), () -> {
                receive(String.class);
                unregister("monitor-test-moving");
                send(me.pid(), "unregistered");
                receive(String.class);
            });
            Ref ref = monitor("monitor-test-moving");
            send(p, "unregister");
            awaitMessage("unregistered");
            send(p, "end");
            Down down = awaitDown(ref);
            assertThat(down.object()).isEqualTo("monitor-test-moving");
            assertThat(down.reason()).isEqualTo(ExitReason.normal());
        }
    }

    /** OTP: monitor_SUITE demonitor_flush. */
    @Test
    void demonitorFlushRemovesQueuedDown() {
        try (var me = attach()) {
            Pid p = spawn(ProcessTesting::blockForever);
            Ref ref = monitor(p);
            Ref other = monitor(p);
            send(me.pid(), "before");
            exit(p, ExitReason.kill()); // both Downs are queued when exit/2 returns
            send(me.pid(), "after");
            assertThat(info(me.pid()).orElseThrow().messageQueueLength()).isEqualTo(4);

            assertThat(demonitor(ref, true)).as("the monitor had already fired").isFalse();
            assertThat(info(me.pid()).orElseThrow().messageQueueLength()).isEqualTo(3);
            assertThat(pollDown(ref)).isFalse();
            // Everything else is still there, in order.
            assertThat(receive(Duration.ZERO)).contains("before");
            assertThat(awaitDown(other).reason()).isEqualTo(ExitReason.killed());
            assertThat(receive(Duration.ZERO)).contains("after");
            assertThat(receive(Duration.ZERO)).isEmpty();
        }
    }

    /**
     * A flush that removes the message at the end of the mailbox must not break a later receive
     * since a reference made before it (the mark would point at a node no longer in the mailbox).
     */
    @Test
    void aFlushAfterMakeRefDoesNotHideLaterMessages() {
        try (var me = attach()) {
            Pid p = spawn(ProcessTesting::blockForever);
            Ref ref = monitor(p);
            exit(p, ExitReason.kill()); // its Down is now the last message
            Ref tag = makeRef();        // marks the mailbox at that Down
            assertThat(demonitor(ref, true)).isFalse(); // removes the marked Down
            send(me.pid(), tag);
            assertThat(receive(tag, m -> m == tag ? m : null, Duration.ofSeconds(5))).contains(tag);
        }
    }

    /** A monitorAlias monitors as monitor(Address) does, and its alias goes with its Down or demonitor. */
    @Test
    void aMonitorAliasNamesWhatItMonitorsAndEndsItsAlias() {
        try (var me = attach()) {
            Pid p = spawn(ProcessTesting::blockForever);
            register("monitor-alias-test", p);
            Ref byName = monitorAlias(Name.of("monitor-alias-test"));
            Ref byPid = monitorAlias(p);
            kill(p);
            assertThat(awaitDown(byName).object()).isEqualTo("monitor-alias-test");
            assertThat(awaitDown(byPid).object()).isEqualTo(p);
            send(byName, "after the Down");
            Pid q = spawn(ProcessTesting::blockForever);
            Ref demonitored = monitorAlias(q);
            assertThat(demonitor(demonitored)).isTrue();
            kill(q);
            send(demonitored, "after demonitor");
            assertThat(receive(Duration.ZERO)).as("nothing reaches an alias whose monitor is gone").isEmpty();
            Ref none = monitorAlias(Name.of("nobody-has-this-name"));
            assertThat(awaitDown(none).reason()).isEqualTo(ExitReason.noproc());
        }
    }

    @Test
    void demonitorStopsTheDown() {
        try (var me = attach()) {
            Pid p = spawn(ProcessTesting::blockForever);
            Ref ref = monitor(p);
            assertThat(demonitor(ref)).isTrue();
            assertThat(demonitor(ref)).as("only once active").isFalse();
            assertThat(info(p).orElseThrow().monitoredBy()).isEmpty();
            Ref sentinel = monitor(p);
            exit(p, ExitReason.kill());
            awaitDown(sentinel);
            assertThat(pollDown(ref)).isFalse();

            // demonitor(ref, flush) on an active monitor says true and leaves nothing behind.
            Pid q = spawn(ProcessTesting::blockForever);
            Ref ref2 = monitor(q);
            assertThat(demonitor(ref2, true)).isTrue();
            kill(q);
            assertThat(pollDown(ref2)).isFalse();
        }
    }

    /**
     * A process that dies while a monitor of it is being set up still gives exactly one Down
     * (killed, or noproc if the monitor came too late). The race is made deterministic: the runtime
     * guards a process's links and monitors with the lock of the process object (the Pid), so a
     * helper thread that holds the watcher's lock stops monitor() between registering the watch on
     * the target and recording the monitor in the watcher, and kills the target right there. An
     * implementation that does not stop there is simply raced by the helper and must pass as well.
     */
    /**
     * A process watched by one holds that watch inline; a second watcher at once turns it into a
     * map. Watchers that come and go, one at a time and many at once, racing each other, each get
     * the one Down of the monitor they still hold, and none of the ones they removed.
     */
    @Test
    void watchersComeAndGoOneAtATimeOrManyAtOnce() {
        try (var me = attach()) {
            Pid target = spawn(ProcessTesting::blockForever);
            // One at a time: the inline entry is made and removed, again and again.
            for (int i = 0; i < 100; i++) {
                assertThat(demonitor(monitor(target))).isTrue();
            }
            assertThat(info(target).orElseThrow().monitoredBy()).isEmpty();
            Ref kept = monitor(target);
            assertThat(info(target).orElseThrow().monitoredBy()).containsExactly(me.pid());
            // Many at once: eight processes monitor and demonitor it, then each keeps one monitor.
            List<Spawned> watchers = new java.util.ArrayList<>();
            for (int w = 0; w < 8; w++) {
                watchers.add(spawnMonitor(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        assertThat(demonitor(monitor(target))).isTrue();
                    }
                    Ref mine = monitor(target);
                    send(me.pid(), "watching");
                    Down down = receive(Down.class);
                    assertThat(down.ref()).isEqualTo(mine);
                    assertThat(receive(Duration.ZERO)).isEmpty();
                }));
            }
            for (int w = 0; w < 8; w++) {
                awaitMessage("watching");
            }
            assertThat(info(target).orElseThrow().monitoredBy()).hasSize(9);
            exit(target, ExitReason.of("stop"));
            assertThat(awaitDown(kept).reason()).isEqualTo(ExitReason.of("stop"));
            for (Spawned w : watchers) {
                assertThat(awaitDown(w.monitor()).reason()).isEqualTo(ExitReason.NORMAL);
            }
            assertThat(pollMatching(m -> m instanceof Down)).isFalse();
        }
    }

    @Test
    void monitorRacingWithExitStillDeliversDown() throws InterruptedException {
        try (var me = attach()) {
            Pid target = spawn(ProcessTesting::blockForever);
            Thread watcherThread = Thread.currentThread();
            CountDownLatch locked = new CountDownLatch(1);
            AtomicBoolean monitorReturned = new AtomicBoolean();
            AtomicReference<Throwable> helperFailure = new AtomicReference<>();
            Thread helper = Thread.ofPlatform().name("monitor-race-helper").start(() -> {
                try {
                    synchronized (me.pid()) {
                        locked.countDown();
                        eventually("monitor() blocked on the watcher's lock, or returned",
                                () -> watcherThread.getState() == Thread.State.BLOCKED || monitorReturned.get());
                        exit(target, ExitReason.kill());
                    }
                } catch (Throwable t) {
                    helperFailure.set(t);
                }
            });
            assertThat(locked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            Ref ref = monitor(target);
            monitorReturned.set(true);
            join(helper);
            assertThat(helperFailure.get()).isNull();
            assertThat(target.isAlive()).isFalse();
            Down down = awaitDown(ref);
            assertThat(down.reason()).isIn(ExitReason.killed(), ExitReason.noproc());
            assertThat(pollDown(ref)).as("exactly one Down").isFalse();
        }
    }

    @Test
    void spawnMonitorDeliversDown() {
        try (var me = attach()) {
            Spawned ok = spawnMonitor(() -> {});
            assertThat(awaitDown(ok.monitor())).isEqualTo(new Down(ok.monitor(), ok.pid(), ExitReason.normal()));

            RuntimeException boom = new UnsupportedOperationException("boom");
            Spawned crash = spawnMonitor(() -> {
                throw boom;
            });
            Down down = awaitDown(crash.monitor());
            assertThat(down.pid()).contains(crash.pid());
            assertThat(down.reason()).isEqualTo(ExitReason.crash(boom));

            // The monitor exists before the body runs: a body that ends at once is still seen.
            Spawned immediate = spawnMonitor(() -> exit(ExitReason.of("at once")));
            assertThat(awaitDown(immediate.monitor()).reason()).isEqualTo(ExitReason.of("at once"));
        }
    }
}
