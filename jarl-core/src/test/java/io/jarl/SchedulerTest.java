package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jarl's scheduler (io.jarl.Scheduler): processes run on its workers, a conversation stays on one
 * worker, a worker held by a process that does not give it back is stood in for, dirty processes
 * run on platform threads, and its statistics add up. The test JVM runs with the JDK internals open
 * (the pom's argLine), as bin/jarl does.
 */
@ExtendWith(NoLeakedProcesses.class)
class SchedulerTest {

    record Where(String thread, boolean virtual) {}

    @Test
    void processesRunOnJarlsWorkers() {
        SchedulerInfo info = schedulerInfo();
        assertThat(info.kind()).isEqualTo("jarl");
        assertThat(info.schedulers()).isEqualTo(Integer.getInteger("jarl.schedulers",
                Runtime.getRuntime().availableProcessors()));
        assertThat(info.workers()).hasSizeGreaterThanOrEqualTo(info.schedulers());
        for (SchedulerInfo.Worker w : info.workers()) {
            assertThat(w.utilisation()).isBetween(0.0, 1.0);
            assertThat(w.busyNanos()).isLessThanOrEqualTo(w.aliveNanos());
        }
        try (var me = attach()) {
            Spawned s = spawnMonitor(() -> {
                Thread t = Thread.currentThread();
                send(me.pid(), new Where(t.toString(), t.isVirtual()));
            });
            Where where = await(Where.class);
            assertThat(where.virtual()).isTrue();
            assertThat(where.thread()).contains("jarl-scheduler-"); // VirtualThread[#n]/runnable@carrier
            awaitDown(s.monitor());
        }
    }

    @Test
    void aConversationStaysOnOneWorker() {
        record Ball(Pid from, int left) {}
        try (var me = attach()) {
            SchedulerInfo before = schedulerInfo();
            // Two processes pass a ball 10,000 times; each hand-off puts the receiver in the sender's
            // worker's run-next slot, so (almost) every turn runs on the worker of the turn before.
            Pid echo = spawn(() -> {
                while (true) {
                    Ball b = receive(Ball.class);
                    send(b.from(), new Ball(self(), b.left()));
                }
            });
            Spawned player = spawnMonitor(() -> {
                int same = 0;
                String last = null;
                for (int i = 0; i < 10_000; i++) {
                    send(echo, new Ball(self(), i));
                    receive(Ball.class);
                    String carrier = Thread.currentThread().toString();
                    carrier = carrier.substring(carrier.indexOf('@') + 1);
                    if (carrier.equals(last)) {
                        same++;
                    }
                    last = carrier;
                }
                send(me.pid(), same);
            });
            int same = await(Integer.class);
            awaitDown(player.monitor());
            kill(echo);
            SchedulerInfo after = schedulerInfo();
            // The monitor or a steal may move it now and then: each move costs one turn here. (Which
            // worker ran most is not asserted: a worker the OS preempts for 5 ms is stood in for,
            // and one such move in the middle splits the turns in two, on a loaded machine.)
            assertThat(same).isGreaterThan(9_000);
            // And the statistics counted every turn, on whichever workers ran them (when no stand-in
            // came and went meanwhile, taking its count with it).
            java.util.function.Function<SchedulerInfo, List<Integer>> ids =
                    info -> info.workers().stream().map(SchedulerInfo.Worker::id).sorted().toList();
            long ran = 0;
            for (SchedulerInfo.Worker w : after.workers()) {
                ran += w.tasksRun() - before.workers().stream().filter(b -> b.id() == w.id())
                        .mapToLong(SchedulerInfo.Worker::tasksRun).findFirst().orElse(0);
            }
            if (ids.apply(before).equals(ids.apply(after))) {
                assertThat(ran).isGreaterThanOrEqualTo(20_000);
            }
        }
    }

    @Test
    void processesThatNeverGiveBackTheirWorkerDoNotStopTheOthers() {
        int hogs = 2 * schedulerInfo().schedulers();
        long replacementsBefore = schedulerInfo().replacements();
        AtomicBoolean stop = new AtomicBoolean();
        try (var me = attach()) {
            List<Ref> downs = new ArrayList<>();
            for (int i = 0; i < hogs; i++) {
                downs.add(spawnMonitor(() -> {
                    send(me.pid(), "hogging");
                    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (!stop.get() && System.nanoTime() < end) {
                        Thread.onSpinWait(); // no runtime call: Java cannot preempt this
                    }
                }).monitor());
            }
            for (int i = 0; i < hogs; i++) {
                awaitMessage("hogging");
            }
            // Every worker is held now; a conversation must still go on, on stand-in workers.
            Pid echo = spawn(() -> {
                Pid from = receive(Pid.class);
                send(from, "pong");
            });
            Spawned pinger = spawnMonitor(() -> {
                send(echo, self());
                receive(String.class);
                send(me.pid(), "ponged");
            });
            awaitMessage("ponged");
            awaitDown(pinger.monitor());
            SchedulerInfo during = schedulerInfo();
            assertThat(during.replacements()).isGreaterThan(replacementsBefore);
            assertThat(during.blockedWorkers()).isPositive();
            stop.set(true);
            for (Ref down : downs) {
                awaitDown(down);
            }
        } finally {
            stop.set(true);
        }
    }

    @Test
    void aDirtyProcessRunsOnAPlatformThreadOfItsOwnAndIsAnOrdinaryProcess() {
        try (var me = attach()) {
            Spawned dirty = spawnMonitor(SpawnOptions.defaults().dirty(), () -> {
                Thread t = Thread.currentThread();
                send(me.pid(), new Where(t.getName(), t.isVirtual()));
                String asked = receive(String.class);
                send(me.pid(), asked + " answered by " + self());
                receive(Integer.class); // never sent: waits until it is told to exit
            });
            Where where = await(Where.class);
            assertThat(where.virtual()).isFalse();
            assertThat(where.thread()).startsWith("jarl-dirty-");
            send(dirty.pid(), "question");
            awaitMessage("question answered by " + dirty.pid());
            eventually("the dirty process back in its receive",
                    () -> info(dirty.pid()).orElseThrow().status() == ProcessInfo.Status.WAITING);
            // An exit signal ends it like any other process, though it waits on a platform thread.
            exit(dirty.pid(), ExitReason.of("done"));
            assertThat(awaitDown(dirty.monitor()).reason()).isEqualTo(ExitReason.of("done"));
        }
    }

    @Test
    void yieldLetsOthersRunAndWorksOutsideProcesses() {
        Jarl.yield(); // a plain thread: Thread.yield()
        try (var me = attach()) {
            Spawned s = spawnMonitor(() -> {
                for (int i = 0; i < 1_000; i++) {
                    Jarl.yield();
                }
                send(me.pid(), "yielded");
            });
            awaitMessage("yielded");
            awaitDown(s.monitor());
        }
    }

    @Test
    void aProcessThatOnlySendsYieldsItsWorkerAfterItsBudget() {
        AtomicInteger sent = new AtomicInteger();
        try (var me = attach()) {
            Spawned sender = spawnMonitor(() -> {
                // The receiver is made runnable on this worker (its run-next slot) and cannot run
                // until the sender waits or yields: the sender never waits.
                Pid receiver = spawn(() -> {
                    send(me.pid(), sent.get());
                    for (int i = 0; i < 100_000; i++) {
                        receive(Integer.class);
                    }
                    send(me.pid(), "drained");
                });
                for (int i = 0; i < 100_000; i++) {
                    send(receiver, i);
                    sent.incrementAndGet();
                }
            });
            int sentWhenTheReceiverRan = await(Integer.class);
            awaitDown(sender.monitor());
            awaitMessage("drained");
            // Without the budget the receiver runs when the sender is done (100,000), or when the
            // monitor stands in for a worker held for 5 ms (tens of thousands of sends).
            assertThat(sentWhenTheReceiverRan).isLessThanOrEqualTo(2 * LocalProcess.BUDGET);
        }
    }

    @Test
    void aProcessThatOnlyReceivesYieldsItsWorkerAfterItsBudget() {
        int messages = 100_000;
        AtomicInteger taken = new AtomicInteger();
        try (var me = attach()) {
            Pid drainer = spawn(() -> {
                receive(msg -> "go".equals(msg) ? msg : null);
                // The watcher goes into this worker's run-next slot; the drainer never waits, for
                // its mailbox is full, so only its budget lets the watcher run before it is done.
                spawn(() -> send(me.pid(), taken.get()));
                for (int i = 0; i < messages; i++) {
                    receive(Integer.class);
                    taken.incrementAndGet();
                }
                send(me.pid(), "drained");
            });
            for (int i = 0; i < messages; i++) {
                send(drainer, i);
            }
            send(drainer, "go");
            int takenWhenTheWatcherRan = await(Integer.class);
            awaitMessage("drained");
            assertThat(takenWhenTheWatcherRan).isLessThanOrEqualTo(2 * LocalProcess.BUDGET);
        }
    }

    /** A link of a chain: calls the next server from inside its handleCall, and adds one. */
    record Link(Pid next) implements GenServer<Pid, Integer, Void> {
        @Override
        public Init<Pid> init() {
            return Init.ok(next);
        }

        @Override
        public CallResult<Pid> handleCall(Integer n, From from, Pid next) {
            int below = next == null ? 0 : (Integer) GenServer.call(next, (Object) n, Duration.ofSeconds(30));
            return CallResult.reply(below + 1, next);
        }
    }

    @Test
    void chainsOfGenServersCallingEachOtherWithEveryOneWaitingMakeProgress() {
        // OTP has no limit here, and neither may Jarl: 10 chains of 100 servers, 10 callers each;
        // at the deepest point every server of every chain waits in a call at once.
        int chains = 10, depth = 100, callersPerChain = 10;
        List<Pid> servers = new ArrayList<>();
        try (var me = attach()) {
            List<Pid> heads = new ArrayList<>();
            for (int c = 0; c < chains; c++) {
                Pid next = null;
                for (int d = 0; d < depth; d++) {
                    next = GenServer.start(new Link(next)).orElseThrow();
                    servers.add(next);
                }
                heads.add(next);
            }
            List<Ref> callers = new ArrayList<>();
            for (Pid head : heads) {
                for (int k = 0; k < callersPerChain; k++) {
                    callers.add(spawnMonitor(() -> send(me.pid(),
                            (Integer) GenServer.call(head, (Object) 0, Duration.ofSeconds(30)))).monitor());
                }
            }
            for (int i = 0; i < chains * callersPerChain; i++) {
                assertThat(await(Integer.class)).isEqualTo(depth);
            }
            for (Ref caller : callers) {
                assertThat(awaitDown(caller).reason()).isEqualTo(ExitReason.normal());
            }
        } finally {
            for (Pid server : servers) {
                GenServer.stop(server);
            }
        }
    }
}
