package io.jarl;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.testing.NoLeakedProcesses;
import io.jarl.testing.ProcessTesting;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * process_info and processes (reference section 1, Introspection; OTP: process_SUITE
 * t_process_info, process_info_other_msg, processes_bif).
 */
@ExtendWith(NoLeakedProcesses.class)
class IntrospectionTest {

    record Go() {}

    @Test
    void infoReportsStatusQueueLinksMonitorsNameTrapExitInitialCallAncestorsStack() {
        try (var me = attach()) {
            Pid watchedByIt = spawn(ProcessTesting::blockForever);
            SpawnOptions options = SpawnOptions.defaults()
                    .link()
                    .trapExit()
                    .register("introspection-test-worker")
                    .initialCall("IntrospectionTest.worker/0");
            Pid worker = spawn(options, () -> {
                monitor(watchedByIt);
                Pid grandchild = spawnLink(ProcessTesting::blockForever);
                send(me.pid(), grandchild);
                receive(Go.class); // waits here, with other messages queued
            });
            Pid grandchild = await(Pid.class);
            Ref watching = monitor(worker);
            send(worker, "one");
            send(worker, "two");
            send(worker, "three");
            eventually("worker waiting with 3 messages queued", () -> info(worker)
                    .map(i -> i.status() == ProcessInfo.Status.WAITING && i.messageQueueLength() == 3)
                    .orElse(false));

            ProcessInfo i = info(worker).orElseThrow();
            assertThat(i.pid()).isEqualTo(worker);
            assertThat(i.status()).isEqualTo(ProcessInfo.Status.WAITING);
            assertThat(i.messageQueueLength()).isEqualTo(3);
            assertThat(i.links()).containsExactlyInAnyOrder(me.pid(), grandchild);
            assertThat(i.monitors()).containsExactly(watchedByIt);
            assertThat(i.monitoredBy()).containsExactly(me.pid());
            assertThat(i.registeredName()).contains("introspection-test-worker");
            assertThat(i.trapExit()).isTrue();
            assertThat(i.initialCall()).isEqualTo("IntrospectionTest.worker/0");
            assertThat(i.ancestors()).containsExactly(me.pid());
            assertThat(i.stack()).as("the stack shows where it waits, innermost first")
                    .anySatisfy(f -> assertThat(f.getClassName()).isEqualTo(Jarl.class.getName()))
                    .anySatisfy(f -> assertThat(f.getClassName()).startsWith(IntrospectionTest.class.getName()));
            int receiveFrame = indexOf(i.stack(), Jarl.class.getName(), "receive");
            int bodyFrame = indexOf(i.stack(), IntrospectionTest.class.getName(), null);
            assertThat(receiveFrame).isNotNegative().isLessThan(bodyFrame);

            ProcessInfo g = info(grandchild).orElseThrow();
            assertThat(g.ancestors()).containsExactly(worker, me.pid());
            assertThat(g.links()).containsExactly(worker);
            assertThat(g.trapExit()).isFalse();
            assertThat(g.registeredName()).isEmpty();
            assertThat(g.initialCall()).as("default initial call names the code")
                    .startsWith(IntrospectionTest.class.getName());

            ProcessInfo mine = info(me.pid()).orElseThrow();
            assertThat(mine.links()).containsExactly(worker);
            assertThat(mine.monitors()).containsExactly(worker);
            assertThat(mine.ancestors()).as("an attached thread has no parent process").isEmpty();

            trapExit(true);
            send(worker, new Go());
            assertThat(awaitDown(watching).reason()).isEqualTo(ExitReason.normal());
            assertThat(info(worker)).as("no info for a dead process").isEmpty();
            assertThat(awaitExit(worker).reason()).isEqualTo(ExitReason.normal());
            kill(grandchild);
            kill(watchedByIt);
            assertThat(info(me.pid()).orElseThrow().links()).isEmpty();
            assertThat(info(me.pid()).orElseThrow().monitors()).isEmpty();
        }
    }

    @Test
    void infoReportsBlockedForAProcessBlockedOutsideTheRuntime() throws InterruptedException {
        try (var me = attach()) {
            CountDownLatch latch = new CountDownLatch(1);
            Pid blocked = spawn(() -> {
                send(me.pid(), "blocking");
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                receive(); // then waits in the runtime
            });
            Ref ref = monitor(blocked);
            awaitMessage("blocking");
            eventually("blocked in CountDownLatch.await", () ->
                    info(blocked).orElseThrow().status() == ProcessInfo.Status.BLOCKED);
            latch.countDown();
            eventually("waiting in receive", () -> info(blocked).orElseThrow().status() == ProcessInfo.Status.WAITING);
            kill(blocked);
            awaitDown(ref);
        }
    }

    @Test
    void infoReportsRunnableForAProcessThatHasWorkAndNoWorkerYet() {
        // A handler process made and not yet handed to the scheduler: what a run queue holds.
        LocalProcess p = Kernel.NODE.spawnHandler(null, () -> "state", (String state, Object msg) -> state,
                SpawnOptions.defaults());
        assertThat(info(p).orElseThrow().status()).isEqualTo(ProcessInfo.Status.RUNNABLE);
        Kernel.NODE.schedule(p);
        eventually("idle once its init has run", () -> info(p).orElseThrow().status() == ProcessInfo.Status.WAITING);
        try (var me = attach()) {
            kill(p);
        }
    }

    @Test
    void infoCountsTheMessagesReceived() {
        try (var me = attach()) {
            Pid counter = spawn(() -> {
                for (int i = 0; i < 3; i++) {
                    receive();
                }
                send(me.pid(), "three");
                receive();
            });
            Ref ref = monitor(counter);
            for (int i = 0; i < 3; i++) {
                send(counter, i);
            }
            awaitMessage("three");
            assertThat(info(counter).orElseThrow().messagesReceived()).isEqualTo(3);
            kill(counter);
            awaitDown(ref);
        }
    }

    @Test
    void infoReportsRunningForABusyProcess() {
        try (var me = attach()) {
            AtomicBoolean release = new AtomicBoolean();
            Pid busy = spawn(() -> {
                send(me.pid(), "busy");
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            });
            Ref ref = monitor(busy);
            awaitMessage("busy");
            assertThat(info(busy).orElseThrow().status()).isEqualTo(ProcessInfo.Status.RUNNING);
            assertThat(info(busy).orElseThrow().initialCall()).startsWith(IntrospectionTest.class.getName());
            release.set(true);
            awaitDown(ref);
        }
    }

    @Test
    void processesListsLive() {
        try (var me = attach()) {
            Pid a = spawn(ProcessTesting::blockForever);
            Pid b = spawn(ProcessTesting::blockForever);
            Pid c = spawn(ProcessTesting::blockForever);
            List<Pid> live = processes();
            assertThat(live).contains(me.pid(), a, b, c).doesNotHaveDuplicates();
            assertThat(live).as("in creation order").isSorted();
            assertThat(live.indexOf(a)).isLessThan(live.indexOf(b));
            assertThat(processCount()).isGreaterThanOrEqualTo(4);
            int count = processCount();

            kill(b);
            assertThat(processes()).contains(a, c).doesNotContain(b);
            assertThat(processCount()).isEqualTo(count - 1);
            assertThat(b.isAlive()).isFalse();
            assertThat(a.isAlive()).isTrue();
            kill(a);
            kill(c);
        }
    }

    @Test
    void pidsAreValuesThatPrintLikeErlang() {
        try (var me = attach()) {
            Pid p = deadProcess();
            assertThat(p.toString()).matches("<0\\.\\d+\\.\\d+>");
            assertThat(p).isEqualTo(p).isNotEqualTo(me.pid());
            assertThat(p.compareTo(me.pid())).isPositive(); // created later
            assertThat(makeRef()).isNotEqualTo(makeRef());
            assertThat(makeRef().toString()).startsWith("#Ref<");
        }
    }

    private static int indexOf(List<StackTraceElement> stack, String className, String method) {
        for (int i = 0; i < stack.size(); i++) {
            StackTraceElement f = stack.get(i);
            if (f.getClassName().startsWith(className) && (method == null || f.getMethodName().equals(method))) {
                return i;
            }
        }
        return -1;
    }
}
