package io.jarl.task;

import static io.jarl.Jarl.*;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.Spawned;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.ChildType;
import io.jarl.supervisor.Restart;
import io.jarl.supervisor.Shutdown;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.testing.LogCapture;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Task, after Elixir's task_test.exs (test names in camelCase); async streams are in {@link AsyncStreamTest}. */
@ExtendWith(NoLeakedProcesses.class)
class TaskTest {

    interface Body {
        void run() throws Exception;
    }

    static void asProcess(Body body) throws Exception {
        try (var me = attach()) {
            body.run();
        }
    }

    /** Elixir's wait_and_send/2: says ready, waits for {@code true}, sends {@code atom}. */
    static Object waitAndSend(Pid caller, Object atom) {
        send(caller, "ready");
        receive(m -> Boolean.TRUE.equals(m) ? m : skip());
        send(caller, atom);
        return atom;
    }

    /** Waits for the message {@code go}. */
    static void awaitGo() {
        receive(m -> "go".equals(m) ? m : skip());
    }

    /** A task owned by another process, which has ended since. */
    static Task<Object> createTaskInOtherProcess() {
        Pid parent = self();
        spawn(() -> send(parent, Task.async(() -> null)));
        @SuppressWarnings("unchecked")
        Task<Object> task = await(Task.class);
        return task;
    }

    /** Elixir's create_dummy_task/1: a task whose process has exited with {@code reason}, its Down already taken. */
    static Task<Object> createDummyTask(ExitReason reason) {
        Spawned s = spawnMonitor(() -> exit(reason));
        awaitDown(s.monitor());
        return new Task<>(s.pid(), s.monitor(), self(), null, "TaskTest.createDummyTask/1", false);
    }

    /** Elixir's {@code %Task{ref: make_ref(), pid: nil, owner: self()}}. */
    static <T> Task<T> fakeTask() {
        return new Task<>(null, makeRef(), self(), null, "TaskTest.test/1", false);
    }

    static void waitUntilDown(Task<?> task) {
        awaitDeath(task.pid().orElseThrow());
    }

    static boolean replyQueued(Task<?> task) {
        return pollMatching(m -> m instanceof Task.Reply r && r.ref().equals(task.ref()));
    }

    static ExitException exitOf(Runnable call) {
        try {
            call.run();
        } catch (ExitException e) {
            return e;
        }
        throw new AssertionError("no exit");
    }

    static List<Pid> links() {
        return info(self()).orElseThrow().links();
    }

    // ------------------------------------------------------------------ starting

    @Test
    void canBeSupervisedDirectly() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            Pid sup = Supervisor.startLink(SupervisorFlags.oneForOne(),
                    List.of(Task.childSpec(() -> send(parent, "ran")))).orElseThrow();
            awaitMessage("ran");
            Supervisor.stop(sup);
        });
    }

    @Test
    void generatesChildSpec() {
        ChildSpec spec = Task.childSpec(() -> {});
        assertThat(spec.id()).isEqualTo("Task");
        assertThat(spec.restart()).isEqualTo(Restart.TEMPORARY);
        assertThat(spec.shutdown()).isEqualTo(Shutdown.DEFAULT_WORKER);
        assertThat(spec.type()).isEqualTo(ChildType.WORKER);

        ChildSpec custom = Task.childSpec("id", () -> {}).withRestart(Restart.PERMANENT).withShutdown(Shutdown.infinity());
        assertThat(custom.id()).isEqualTo("id");
        assertThat(custom.restart()).isEqualTo(Restart.PERMANENT);
        assertThat(custom.shutdown()).isEqualTo(Shutdown.infinity());
    }

    @Test
    void async() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            Callable<Object> fun = () -> waitAndSend(parent, "done");
            Task<Object> task = Task.async(fun);
            Pid pid = task.pid().orElseThrow();
            assertThat(task.owner()).isEqualTo(parent);
            assertThat(task.function()).isEqualTo(Supervised.describe(fun, 0)).startsWith(TaskTest.class.getName());

            assertThat(links()).contains(pid);
            awaitMessage("ready");
            assertThat(info(pid).orElseThrow().initialCall()).isEqualTo(task.function());

            send(pid, true);
            Task.Reply reply = (Task.Reply) awaitMatching("the reply", m -> m instanceof Task.Reply r
                    && r.ref().equals(task.ref()));
            assertThat(reply.value()).isEqualTo("done");
            assertThat(awaitDown(task.ref()).reason()).isEqualTo(ExitReason.normal());
            Task.demonitor(task);
        });
    }

    @Test
    void asyncFromAPlainThreadFailsClearly() {
        assertThatThrownBy(() -> Task.async(() -> 1))
                .isInstanceOf(NotAProcessException.class)
                .hasMessageContaining("Task.async")
                .hasMessageContaining("Jarl.attach()")
                .hasMessageContaining("Task.asFuture");
    }

    @Test
    void start() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            Runnable fun = () -> waitAndSend(parent, "done");
            Pid pid = Task.start(fun);
            assertThat(links()).doesNotContain(pid);
            awaitMessage("ready");
            assertThat(info(pid).orElseThrow().initialCall()).isEqualTo(Supervised.describe(fun, 0));
            send(pid, true);
            awaitMessage("done");
        });
    }

    @Test
    void startFromAPlainThread() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Task.start(ran::countDown);
        assertThat(ran.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void completed() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.completed("done");
            assertThat(task.pid()).isEmpty();
            assertThat(Task.await(task)).isEqualTo("done");
        });
    }

    @Test
    void startLink() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            Pid pid = Task.startLink(() -> waitAndSend(parent, "done"));
            assertThat(links()).contains(pid);
            awaitMessage("ready");
            send(pid, true);
            awaitMessage("done");
        });
    }

    // ------------------------------------------------------------------ ignore/1

    @Test
    void ignoreDiscardsOnTimeReplies() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> "ok");
            waitUntilDown(task);
            assertThat(Task.ignore(task)).isEqualTo(TaskResult.ok("ok"));
            assertThatThrownBy(() -> Task.await(task, Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reply was taken by ignore");
        });
    }

    @Test
    void ignoreDiscardsLateReplies() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> {
                awaitGo();
                return "ok";
            });
            assertThat(Task.ignore(task)).isEqualTo(TaskResult.none());
            assertThat(links()).doesNotContain(task.pid().orElseThrow());
            send(task.pid().orElseThrow(), "go");
            waitUntilDown(task);
            assertThat(replyQueued(task)).isFalse();
            assertThat(pollDown(task.ref())).isFalse();
            assertThatThrownBy(() -> Task.await(task, Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ignored");
        });
    }

    @Test
    void ignoreDiscardsOnTimeFailures() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<Object> task = Task.async(() -> {
                throw exit(ExitReason.of("oops"));
            });
            waitUntilDown(task);
            assertThat(Task.ignore(task)).isEqualTo(TaskResult.exit(ExitReason.of("oops")));
            assertThat(awaitExit(task.pid().orElseThrow()).reason()).isEqualTo(ExitReason.of("oops"));
        });
    }

    @Test
    void ignoreDiscardsLateFailures() throws Exception {
        asProcess(() -> {
            Task<Object> task = Task.async(() -> {
                awaitGo();
                throw exit(ExitReason.of("oops"));
            });
            assertThat(Task.ignore(task)).isEqualTo(TaskResult.none());
            send(task.pid().orElseThrow(), "go");
            waitUntilDown(task);
            assertThat(inProcess()).as("the unlinked owner survives the task").isTrue();
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void ignoreCanIgnoreCompletedTasks() throws Exception {
        asProcess(() -> assertThat(Task.ignore(Task.completed("done"))).isEqualTo(TaskResult.ok("done")));
    }

    // ------------------------------------------------------------------ await/2

    @Test
    void awaitDemonitorsAndUnaliasesOnTimeout() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> {
                awaitGo();
                return "done";
            });
            ExitException e = exitOf(() -> Task.await(task, Duration.ZERO));
            assertThat(e.reason().cause()).isEqualTo(ExitReason.timeout());
            assertThat(e.getMessage()).contains("Task.await(" + task + ", PT0S)");

            send(task.pid().orElseThrow(), "go");
            waitUntilDown(task);
            assertThat(replyQueued(task)).isFalse();
            assertThat(pollDown(task.ref())).isFalse();
        });
    }

    @Test
    void awaitExitsOnTimeout() throws Exception {
        // Elixir: catch_exit(Task.await(task, 0)) == {:timeout, {Task, :await, [task, 0]}}
        asProcess(() -> {
            Task<Object> task = fakeTask();
            assertThat(exitOf(() -> Task.await(task, Duration.ZERO)).reason()).isEqualTo(
                    ExitReason.callFailed(ExitReason.timeout(), "Task.await", List.of(task, Duration.ZERO)));
        });
    }

    @Test
    void awaitExitsOnNormalExit() throws Exception {
        asProcess(() -> {
            Task<Object> task = Task.async(() -> {
                throw exit(ExitReason.normal());
            });
            ExitException e = exitOf(() -> Task.await(task));
            // Elixir: {:normal, {Task, :await, [task, 5000]}}
            assertThat(e.reason()).isEqualTo(ExitReason.callFailed(ExitReason.normal(), "Task.await",
                    List.of(task, Duration.ofSeconds(5))));
            assertThat(e.getMessage()).contains("Task.await(" + task + ", PT5S)");
        });
    }

    @Test
    void awaitExitsOnTaskError() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<Object> task = Task.async(() -> {
                throw new IllegalStateException("oops");
            });
            ExitException e = exitOf(() -> Task.await(task));
            assertThat(e.reason().cause()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                    assertThat(c.error()).isInstanceOf(IllegalStateException.class).hasMessage("oops"));
            awaitExit(task.pid().orElseThrow());
        });
    }

    @Test
    void awaitExitsOnTaskCheckedException() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<Object> task = Task.async(() -> {
                throw new IOException("disk");
            });
            assertThat(exitOf(() -> Task.await(task)).reason().cause()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                    assertThat(c.error()).isInstanceOf(IOException.class));
            awaitExit(task.pid().orElseThrow());
        });
    }

    @Test
    void awaitExitsOnTaskExit() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<Object> task = Task.async(() -> {
                throw exit(ExitReason.of("unknown"));
            });
            assertThat(exitOf(() -> Task.await(task)).reason().cause()).isEqualTo(ExitReason.of("unknown"));
            awaitExit(task.pid().orElseThrow());
        });
    }

    @Test
    void awaitRaisesWhenInvokedFromANonOwnerProcess() throws Exception {
        asProcess(() -> {
            Task<Object> task = createTaskInOtherProcess();
            assertThatThrownBy(() -> Task.await(task, Duration.ofMillis(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("task " + task + " must be queried from the owner but was queried from "
                            + self());
        });
    }

    @Test
    void awaitFromAPlainThreadIsAClearError() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> "done");
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread plain = Thread.ofPlatform().start(() -> {
                try {
                    Task.await(task);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            join(plain);
            assertThat(failure.get()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("which is not a process");
            assertThat(Task.await(task)).isEqualTo("done");
        });
    }

    @Test
    void awaitAfterTheReplyIsAClearError() throws Exception {
        asProcess(() -> {
            Task<Integer> task = Task.async(() -> 42);
            assertThat(Task.await(task)).isEqualTo(42);
            assertThatThrownBy(() -> Task.await(task)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Task.await on task " + task)
                    .hasMessageContaining("its reply was taken by await");
            assertThatThrownBy(() -> Task.yield(task, Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void awaitReturnsNullOfAVoidTask() throws Exception {
        asProcess(() -> {
            Task<Void> task = Task.async(() -> null);
            assertThat(Task.await(task)).isNull();
        });
    }

    @Test
    void aFailingTaskExitsItsLinkedOwner() throws Exception {
        asProcess(() -> {
            Spawned owner = spawnMonitor(() -> {
                Task<Object> task = Task.async(() -> {
                    throw new IllegalStateException("task failure");
                });
                Task.await(task, Duration.ofMinutes(1));
            });
            assertThat(awaitDown(owner.monitor()).reason().cause()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                    assertThat(c.error()).hasMessage("task failure"));
        });
    }

    @Test
    void anAwaitTimeoutExitsTheOwnerAndItsLinkedTask() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            Spawned owner = spawnMonitor(() -> {
                Task<Object> task = Task.async(() -> {
                    blockForever();
                    return null;
                });
                send(parent, task.pid().orElseThrow());
                awaitGo();
                Task.await(task, Duration.ofMillis(1));
            });
            Pid task = await(Pid.class);
            Ref watch = monitor(task);
            send(owner.pid(), "go");
            assertThat(awaitDown(owner.monitor()).reason().cause()).isEqualTo(ExitReason.timeout());
            assertThat(awaitDown(watch).reason().cause()).isEqualTo(ExitReason.timeout());
        });
    }

    // ------------------------------------------------------------------ await_many/2

    @Test
    void awaitManyReturnsListOfReplies() throws Exception {
        asProcess(() -> {
            List<Task<Integer>> tasks = List.of(1, 3, 9).stream().map(v -> Task.async(() -> v)).toList();
            assertThat(Task.awaitMany(tasks)).containsExactly(1, 3, 9);
        });
    }

    @Test
    void awaitManyReturnsRepliesInInputOrderIgnoringResponseOrder() throws Exception {
        asProcess(() -> {
            Task<Integer> t1 = fakeTask();
            Task<Integer> t2 = fakeTask();
            Task<Integer> t3 = fakeTask();
            send(self(), new Task.Reply(t2.ref(), 3));
            send(self(), new Task.Reply(t3.ref(), 9));
            send(self(), new Task.Reply(t1.ref(), 1));
            assertThat(Task.awaitMany(List.of(t1, t2, t3))).containsExactly(1, 3, 9);
        });
    }

    @Test
    void awaitManyReturnsAnEmptyListImmediately() throws Exception {
        asProcess(() -> assertThat(Task.awaitMany(List.<Task<Object>>of())).isEmpty());
    }

    @Test
    void awaitManyIgnoresMessagesFromOtherProcesses() throws Exception {
        asProcess(() -> {
            Ref other = makeRef();
            List<Task<String>> tasks = List.of(Task.async(() -> "a"), Task.async(() -> "b"));
            send(self(), other);
            send(self(), new Task.Reply(other, "z"));
            send(self(), new Down(other, self(), ExitReason.of("goodbye")));
            assertThat(Task.awaitMany(tasks)).containsExactly("a", "b");
            assertThat(flush()).containsExactly(other, new Task.Reply(other, "z"),
                    new Down(other, self(), ExitReason.of("goodbye")));
        });
    }

    @Test
    void awaitManyIgnoresAdditionalMessagesAfterReply() throws Exception {
        asProcess(() -> {
            Task<String> t1 = fakeTask();
            Task<String> t2 = fakeTask();
            send(self(), new Task.Reply(t2.ref(), "b"));
            send(self(), new Task.Reply(t2.ref(), "other"));
            send(self(), new Task.Reply(t1.ref(), "a"));
            assertThat(Task.awaitMany(List.of(t1, t2))).containsExactly("a", "b");
            assertThat(flush()).containsExactly(new Task.Reply(t2.ref(), "other"));
        });
    }

    @Test
    void awaitManyExitsOnTimeout() throws Exception {
        asProcess(() -> {
            List<Task<Object>> tasks = List.of(Task.async(() -> {
                blockForever();
                return null;
            }));
            ExitException e = exitOf(() -> Task.awaitMany(tasks, Duration.ZERO));
            assertThat(e.reason().cause()).isEqualTo(ExitReason.timeout());
            assertThat(e.getMessage()).contains("Task.awaitMany(" + tasks + ", PT0S)");
            assertThat(Task.shutdown(tasks.getFirst())).isEqualTo(TaskResult.none());
        });
    }

    @Test
    void awaitManyExitsWithSameReasonWhenTaskExits() throws Exception {
        asProcess(() -> {
            List<Task<Object>> tasks = List.of(Task.async(() -> {
                throw exit(ExitReason.normal());
            }));
            assertThat(exitOf(() -> Task.awaitMany(tasks)).reason().cause()).isEqualTo(ExitReason.normal());
        });
    }

    @Test
    void awaitManyExitsImmediatelyWhenAnyTaskExits() throws Exception {
        asProcess(() -> {
            Task<Object> sleeper = Task.async(() -> {
                blockForever();
                return null;
            });
            Task<Object> exiter = Task.async(() -> {
                throw exit(ExitReason.normal());
            });
            assertThat(exitOf(() -> Task.awaitMany(List.of(sleeper, exiter))).reason().cause()).isEqualTo(ExitReason.normal());
            Task.shutdown(sleeper);
        });
    }

    @Test
    void awaitManyExitsImmediatelyWhenAnyTaskCrashes() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<Object> sleeper = Task.async(() -> {
                blockForever();
                return null;
            });
            Task<Object> crasher = Task.async(() -> {
                throw exit(ExitReason.of("unknown"));
            });
            assertThat(exitOf(() -> Task.awaitMany(List.of(sleeper, crasher))).reason().cause())
                    .isEqualTo(ExitReason.of("unknown"));
            // All monitors are cleared up afterwards too.
            kill(sleeper.pid().orElseThrow());
            awaitExit(sleeper.pid().orElseThrow());
            awaitExit(crasher.pid().orElseThrow());
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void awaitManyExitsImmediatelyOnAnyTaskError() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<Object> sleeper = Task.async(() -> {
                blockForever();
                return null;
            });
            Task<Object> crasher = Task.async(() -> {
                throw new IllegalStateException("oops");
            });
            assertThat(exitOf(() -> Task.awaitMany(List.of(sleeper, crasher))).reason().cause())
                    .isInstanceOf(ExitReason.Crash.class);
            Task.shutdown(sleeper, Shutdown.brutalKill());
        });
    }

    @Test
    void awaitManyRaisesWhenInvokedFromANonOwnerProcess() throws Exception {
        asProcess(() -> {
            Task<Object> mine = Task.async(() -> {
                blockForever();
                return null;
            });
            Task<Object> bad = createTaskInOtherProcess();
            assertThatThrownBy(() -> Task.awaitMany(List.of(mine, bad), Duration.ofMillis(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("task " + bad + " must be queried from the owner but was queried from " + self());
            assertThat(Task.shutdown(mine)).isEqualTo(TaskResult.none());
        });
    }

    // ------------------------------------------------------------------ yield/2

    @Test
    void yieldReturnsOkWhenReplyAndDownInMessageQueue() throws Exception {
        asProcess(() -> {
            Task<String> task = fakeTask();
            send(self(), new Task.Reply(task.ref(), "result"));
            send(self(), new Down(task.ref(), self(), ExitReason.of("abnormal")));
            assertThat(Task.yield(task, Duration.ZERO)).isEqualTo(TaskResult.ok("result"));
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void yieldReturnsNoneOnTimeout() throws Exception {
        asProcess(() -> assertThat(Task.yield(fakeTask(), Duration.ZERO)).isEqualTo(TaskResult.none()));
    }

    @Test
    void yieldReturnsExitOnNormalExit() throws Exception {
        asProcess(() -> {
            Task<Object> task = Task.async(() -> {
                throw exit(ExitReason.normal());
            });
            assertThat(Task.yield(task)).isEqualTo(TaskResult.exit(ExitReason.normal()));
        });
    }

    @Test
    void yieldRaisesWhenInvokedFromANonOwnerProcess() throws Exception {
        asProcess(() -> {
            Task<Object> task = createTaskInOtherProcess();
            assertThatThrownBy(() -> Task.yield(task, Duration.ofMillis(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be queried from the owner but was queried from " + self());
        });
    }

    @Test
    void yieldCanBeRepeatedWhileTheTaskRuns() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> {
                awaitGo();
                return "done";
            });
            assertThat(Task.yield(task, Duration.ZERO)).isEqualTo(TaskResult.none());
            assertThat(Task.yield(task, Duration.ZERO)).isEqualTo(TaskResult.none());
            send(task.pid().orElseThrow(), "go");
            assertThat(Task.yield(task)).isEqualTo(TaskResult.ok("done"));
            assertThat(pollDown(task.ref())).isFalse();
        });
    }

    @Test
    void yieldOrShutdown() throws Exception {
        asProcess(() -> {
            Task<String> slow = Task.async(() -> {
                blockForever();
                return "never";
            });
            assertThat(Task.yield(slow, Duration.ZERO).or(() -> Task.shutdown(slow))).isEqualTo(TaskResult.none());
            assertThat(slow.pid().orElseThrow().isAlive()).isFalse();

            Task<String> fast = Task.async(() -> "fast");
            assertThat(Task.yield(fast).or(() -> Task.shutdown(fast))).isEqualTo(TaskResult.ok("fast"));
        });
    }

    // ------------------------------------------------------------------ yield_many/2

    @Test
    void yieldManyReturnsOkWhenReplyAndDownInMessageQueue() throws Exception {
        asProcess(() -> {
            Task<String> task = fakeTask();
            send(self(), new Task.Reply(task.ref(), "result"));
            send(self(), new Down(task.ref(), self(), ExitReason.of("abnormal")));
            assertThat(Task.yieldMany(List.of(task), Duration.ZERO)).containsExactly(TaskResult.ok("result"));
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void yieldManyReturnsNoneOnTimeoutByDefault() throws Exception {
        asProcess(() -> assertThat(Task.yieldMany(List.of(fakeTask()), Duration.ZERO))
                .containsExactly(TaskResult.none()));
    }

    @Test
    void yieldManyShutsDownOnTimeoutWhenConfigured() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<Object> task = Task.async(() -> {
                blockForever();
                return null;
            });
            assertThat(Task.yieldMany(List.of(task), YieldManyOptions.defaults().withTimeout(Duration.ZERO)
                    .withOnTimeout(YieldManyOptions.OnTimeout.KILL_TASK))).containsExactly(TaskResult.none());
            assertThat(task.pid().orElseThrow().isAlive()).isFalse();
        });
    }

    @Test
    void yieldManyIgnoresOnTimeoutWhenConfigured() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> {
                awaitGo();
                return "ok";
            });
            assertThat(Task.yieldMany(List.of(task), YieldManyOptions.defaults().withTimeout(Duration.ZERO)
                    .withOnTimeout(YieldManyOptions.OnTimeout.IGNORE))).containsExactly(TaskResult.none());
            Pid pid = task.pid().orElseThrow();
            assertThat(pid.isAlive()).isTrue();
            Ref ref = monitor(pid);
            send(pid, "go");
            awaitDown(ref);
            assertThat(replyQueued(task)).isFalse();
            // Elixir's Task.yield(task, 0) returns nil here; Jarl says the task was ignored.
            assertThatThrownBy(() -> Task.yield(task, Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ignored");
        });
    }

    @Test
    void yieldManyReturnsExitOnNormalExit() throws Exception {
        asProcess(() -> {
            Task<Object> task = Task.async(() -> {
                throw exit(ExitReason.normal());
            });
            assertThat(Task.yieldMany(List.of(task), Task.DEFAULT_TIMEOUT))
                    .containsExactly(TaskResult.exit(ExitReason.normal()));
        });
    }

    @Test
    void yieldManyRaisesWhenInvokedFromANonOwnerProcess() throws Exception {
        asProcess(() -> {
            Task<Object> task = createTaskInOtherProcess();
            assertThatThrownBy(() -> Task.yieldMany(List.of(task), Duration.ofMillis(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be queried from the owner");
        });
    }

    @Test
    void yieldManyReturnsResultsFromMultipleTasks() throws Exception {
        asProcess(() -> {
            Task<String> t1 = fakeTask();
            Task<String> t2 = fakeTask();
            Task<String> t3 = fakeTask();
            send(self(), new Task.Reply(t1.ref(), "result"));
            send(self(), new Down(t3.ref(), self(), ExitReason.normal()));
            assertThat(Task.yieldMany(List.of(t1, t2, t3), Duration.ZERO)).containsExactly(
                    TaskResult.ok("result"), TaskResult.none(), TaskResult.exit(ExitReason.normal()));
        });
    }

    @Test
    void yieldManyReturnsResultsFromMultipleTasksWithLimit() throws Exception {
        asProcess(() -> {
            Task<String> t1 = fakeTask();
            Task<String> t2 = fakeTask();
            Task<String> t3 = fakeTask();
            send(self(), new Task.Reply(t1.ref(), "result"));
            send(self(), new Down(t3.ref(), self(), ExitReason.normal()));
            YieldManyOptions one = YieldManyOptions.defaults().withLimit(1).withTimeout(Task.INFINITY);
            assertThat(Task.yieldMany(List.of(t1, t2, t3), one)).containsExactly(
                    TaskResult.ok("result"), TaskResult.none(), TaskResult.none());
            assertThat(Task.yieldMany(List.of(t2, t3), one)).containsExactly(
                    TaskResult.none(), TaskResult.exit(ExitReason.normal()));
        });
    }

    @Test
    void yieldManyReturnsOnceAllTasksHaveRepliedBelowLimit() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> "done");
            assertThat(Task.yieldMany(List.of(task), YieldManyOptions.defaults().withLimit(2).withTimeout(Task.INFINITY)))
                    .containsExactly(TaskResult.ok("done"));
        });
    }

    @Test
    void yieldManyReturnsResultsFromMultipleTasksWithLimitAndOnTimeout() throws Exception {
        asProcess(() -> {
            trapExit(true);
            Task<String> t1 = Task.async(() -> {
                blockForever();
                return "never";
            });
            Task<String> t2 = Task.async(() -> "done");
            YieldManyOptions kill = YieldManyOptions.defaults().withOnTimeout(YieldManyOptions.OnTimeout.KILL_TASK)
                    .withLimit(1);
            assertThat(Task.yieldMany(List.of(t1, t2), kill.withTimeout(Task.INFINITY)))
                    .containsExactly(TaskResult.none(), TaskResult.ok("done"));
            assertThat(t1.pid().orElseThrow().isAlive()).isTrue();
            assertThat(Task.yieldMany(List.of(t1), kill.withTimeout(Duration.ZERO))).containsExactly(TaskResult.none());
            assertThat(t1.pid().orElseThrow().isAlive()).isFalse();
        });
    }

    @Test
    void yieldManyReturnsResultsOnInfinityTimeout() throws Exception {
        asProcess(() -> {
            Task<String> t1 = fakeTask();
            Task<String> t2 = fakeTask();
            Task<String> t3 = fakeTask();
            send(self(), new Task.Reply(t1.ref(), "result"));
            send(self(), new Task.Reply(t2.ref(), "result"));
            send(self(), new Down(t3.ref(), self(), ExitReason.normal()));
            assertThat(Task.yieldMany(List.of(t1, t2, t3), Task.INFINITY)).containsExactly(
                    TaskResult.ok("result"), TaskResult.ok("result"), TaskResult.exit(ExitReason.normal()));
        });
    }

    // ------------------------------------------------------------------ shutdown/2

    static final ExitReason ABNORMAL = ExitReason.of("abnormal");

    /** The reply and the Down of a dummy task, queued as if they had raced the shutdown. */
    static void queueReplyAndDown(Task<Object> task, ExitReason reason) {
        send(self(), new Task.Reply(task.ref(), "result"));
        send(self(), new Down(task.ref(), task.pid().orElseThrow(), reason));
    }

    static void queueDown(Task<Object> task, ExitReason reason) {
        send(self(), new Down(task.ref(), task.pid().orElseThrow(), reason));
    }

    @Nested
    class ShutdownWithTimeout {
        @Test
        void returnsOkWhenReplyAndAbnormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ABNORMAL);
                queueReplyAndDown(task, ABNORMAL);
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.ok("result"));
                assertThat(flush()).isEmpty();
            });
        }

        @Test
        void returnsOkWhenReplyAndNormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.normal());
                queueReplyAndDown(task, ExitReason.normal());
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.ok("result"));
                assertThat(flush()).isEmpty();
            });
        }

        @Test
        void returnsOkWhenReplyAndShutDownDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.shutdown());
                queueReplyAndDown(task, ExitReason.shutdown());
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.ok("result"));
                assertThat(flush()).isEmpty();
            });
        }

        @Test
        void returnsNoneOnShuttingDownTask() throws Exception {
            asProcess(() -> {
                Task<Object> task = Task.async(() -> {
                    blockForever();
                    return null;
                });
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.none());
                assertThat(links()).isEmpty();
                assertThat(flush()).isEmpty();
            });
        }

        @Test
        void returnsExitOnAbnormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ABNORMAL);
                queueDown(task, ABNORMAL);
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.exit(ABNORMAL));
            });
        }

        @Test
        void returnsExitOnNormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.normal());
                queueDown(task, ExitReason.normal());
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.exit(ExitReason.normal()));
            });
        }

        @Test
        void returnsNoneOnShutdownDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.shutdown());
                queueDown(task, ExitReason.shutdown());
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.none());
            });
        }

        @Test
        void returnsExitOnKilledDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.killed());
                queueDown(task, ExitReason.killed());
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.exit(ExitReason.killed()));
            });
        }

        @Test
        void ignoresIfTaskPidIsNone() throws Exception {
            asProcess(() -> {
                Task<String> task = fakeTask();
                send(self(), new Task.Reply(task.ref(), "done"));
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.ok("done"));

                Task<String> other = fakeTask();
                send(self(), new Down(other.ref(), self(), ExitReason.of("done")));
                assertThat(Task.shutdown(other)).isEqualTo(TaskResult.exit(ExitReason.of("done")));
            });
        }

        @Test
        void raisesWhenInvokedFromANonOwnerProcess() throws Exception {
            asProcess(() -> {
                Task<Object> task = createTaskInOtherProcess();
                assertThatThrownBy(() -> Task.shutdown(task)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("must be queried from the owner but was queried from " + self());
            });
        }

        @Test
        void returnsNoneOnKillingTask() throws Exception {
            asProcess(() -> {
                Pid caller = self();
                Task<Object> task = Task.async(() -> {
                    trapExit(true);
                    waitAndSend(caller, "ready");
                    blockForever();
                    return null;
                });
                awaitMessage("ready");
                assertThat(Task.shutdown(task, Shutdown.brutalKill())).isEqualTo(TaskResult.none());
                assertThat(pollMatching(m -> m instanceof Down)).isFalse();
            });
        }

        @Test
        void returnsExitNoprocIfTaskHandled() throws Exception {
            asProcess(() -> assertThat(Task.shutdown(createDummyTask(ExitReason.noproc())))
                    .isEqualTo(TaskResult.exit(ExitReason.noproc())));
        }

        @Test
        void returnsExitNoprocAfterTheTaskWasAwaited() throws Exception {
            asProcess(() -> {
                Task<String> task = Task.async(() -> "done");
                assertThat(Task.await(task)).isEqualTo("done");
                waitUntilDown(task);
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.exit(ExitReason.noproc()));
            });
        }

        @Test
        void shutsDownATaskAfterAnAwaitTimeout() throws Exception {
            asProcess(() -> {
                Task<Object> task = Task.async(() -> {
                    blockForever();
                    return null;
                });
                assertThat(exitOf(() -> Task.await(task, Duration.ZERO)).reason().cause()).isEqualTo(ExitReason.timeout());
                assertThat(Task.shutdown(task)).isEqualTo(TaskResult.none());
                assertThat(task.pid().orElseThrow().isAlive()).isFalse();
            });
        }
    }

    @Nested
    class ShutdownWithBrutalKill {
        private final Shutdown brutal = Shutdown.brutalKill();

        @Test
        void returnsOkWhenReplyAndAbnormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ABNORMAL);
                queueReplyAndDown(task, ABNORMAL);
                assertThat(Task.shutdown(task, brutal)).isEqualTo(TaskResult.ok("result"));
                assertThat(flush()).isEmpty();
            });
        }

        @Test
        void returnsOkWhenReplyAndNormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.normal());
                queueReplyAndDown(task, ExitReason.normal());
                assertThat(Task.shutdown(task, brutal)).isEqualTo(TaskResult.ok("result"));
                assertThat(flush()).isEmpty();
            });
        }

        @Test
        void returnsOkWhenReplyAndShutDownDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.shutdown());
                queueReplyAndDown(task, ExitReason.shutdown());
                assertThat(Task.shutdown(task, brutal)).isEqualTo(TaskResult.ok("result"));
                assertThat(flush()).isEmpty();
            });
        }

        @Test
        void returnsNoneOnKilledDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.killed());
                queueDown(task, ExitReason.killed());
                assertThat(Task.shutdown(task, brutal)).isEqualTo(TaskResult.none());
            });
        }

        @Test
        void returnsExitOnAbnormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ABNORMAL);
                queueDown(task, ABNORMAL);
                assertThat(Task.shutdown(task, brutal)).isEqualTo(TaskResult.exit(ABNORMAL));
            });
        }

        @Test
        void returnsExitOnNormalDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.normal());
                queueDown(task, ExitReason.normal());
                assertThat(Task.shutdown(task, brutal)).isEqualTo(TaskResult.exit(ExitReason.normal()));
            });
        }

        @Test
        void returnsExitOnShutdownDownInMessageQueue() throws Exception {
            asProcess(() -> {
                Task<Object> task = createDummyTask(ExitReason.shutdown());
                queueDown(task, ExitReason.shutdown());
                assertThat(Task.shutdown(task, brutal)).isEqualTo(TaskResult.exit(ExitReason.shutdown()));
            });
        }

        @Test
        void returnsExitOnKillingTaskAfterShutdownTimeout() throws Exception {
            asProcess(() -> {
                Pid caller = self();
                Task<Object> task = Task.async(() -> {
                    trapExit(true);
                    waitAndSend(caller, "ready");
                    blockForever();
                    return null;
                });
                awaitMessage("ready");
                assertThat(Task.shutdown(task, Duration.ofMillis(1))).isEqualTo(TaskResult.exit(ExitReason.killed()));
            });
        }

        @Test
        void returnsExitNoprocIfTaskHandled() throws Exception {
            asProcess(() -> assertThat(Task.shutdown(createDummyTask(ExitReason.noproc()), brutal))
                    .isEqualTo(TaskResult.exit(ExitReason.noproc())));
        }
    }

    @Test
    void shutdownReturnsTheReplyThatWonTheRace() throws Exception {
        asProcess(() -> {
            Task<String> task = Task.async(() -> "quick");
            waitUntilDown(task); // the reply is queued; the task is gone
            assertThat(Task.shutdown(task)).isEqualTo(TaskResult.ok("quick"));
            assertThat(flush()).isEmpty();
        });
    }

    // ------------------------------------------------------------------ futures

    @Test
    void asFutureCompletesWithTheResult() throws Exception {
        CompletableFuture<Integer> future = Task.asFuture(() -> 6 * 7);
        assertThat(future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(42);
    }

    @Test
    void asFutureFailsWithTheTasksExitReason() {
        CompletableFuture<Integer> future = Task.asFuture(() -> {
            throw new IllegalStateException("no answer");
        });
        assertThatThrownBy(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ExitException.class, e -> {
                    assertThat(e.reason().cause()).isInstanceOf(ExitReason.Crash.class);
                    assertThat(e.getMessage()).contains("Task.asFuture(");
                    assertThat(e.getCause()).hasMessage("no answer");
                });
    }

    @Test
    void cancellingAFutureShutsTheTaskDown() throws Exception {
        AtomicReference<Pid> task = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Object> future = Task.asFuture(() -> {
            task.set(self());
            started.countDown();
            blockForever();
            return null;
        });
        assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        try (var me = attach()) {
            Ref watch = monitor(task.get());
            assertThat(future.cancel(true)).isTrue();
            assertThat(awaitDown(watch).reason()).isEqualTo(ExitReason.shutdown());
        }
    }

    // ------------------------------------------------------------------ reports

    @Test
    void logsATerminatedTaskOnce() throws Exception {
        try (var log = LogCapture.start(); var me = attach()) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            Runnable fun = () -> {
                thread.set(Thread.currentThread());
                awaitGo();
                throw new IllegalStateException("task-report-test oops");
            };
            Pid pid = Task.start(fun);
            Ref ref = monitor(pid);
            send(pid, "go");
            awaitDown(ref);
            join(thread.get());

            String header = "Task " + pid + " started from " + me.pid() + " terminating; function "
                    + Supervised.describe(fun, 0);
            assertThat(log.count(java.util.regex.Pattern.quote(header))).as("log:%n%s", log.text()).isEqualTo(1);
            assertThat(log.linesContaining("ERROR").stream().filter(l -> l.contains(pid.toString())).toList())
                    .as("one crash report about %s in:%n%s", pid, log.text()).hasSize(1);
            assertThat(log.text()).contains("java.lang.IllegalStateException: task-report-test oops");
        }
    }

    @Test
    void aTaskExitingShutdownIsNotLogged() throws Exception {
        try (var log = LogCapture.start(); var me = attach()) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            Pid pid = Task.start(() -> {
                thread.set(Thread.currentThread());
                awaitGo();
                exit(ExitReason.shutdown("done"));
            });
            Ref ref = monitor(pid);
            send(pid, "go");
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown("done"));
            join(thread.get());
            assertThat(log.linesContaining(pid.toString())).isEmpty();
        }
    }

    @Test
    void aLinkedOwnerKilledByItsTaskIsNotLoggedTwice() throws Exception {
        try (var log = LogCapture.start(); var me = attach()) {
            AtomicReference<Thread> thread = new AtomicReference<>();
            Spawned owner = spawnMonitor(() -> {
                Task<Object> task = Task.async(() -> {
                    thread.set(Thread.currentThread());
                    throw new IllegalStateException("owner-test oops");
                });
                blockForever();
            });
            awaitDown(owner.monitor());
            join(thread.get());
            assertThat(log.count("owner-test oops")).as("log:%n%s", log.text()).isPositive();
            assertThat(log.linesContaining("ERROR").stream().filter(l -> l.contains("crash report")).toList())
                    .as("only the task is reported:%n%s", log.text()).hasSize(1);
        }
    }
}
