package io.jarl.task;

import static io.jarl.Jarl.*;
import static io.jarl.task.TaskTest.waitAndSend;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Name;
import io.jarl.NameRegistry;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.Via;
import io.jarl.server.StartOptions;
import io.jarl.supervisor.ChildCounts;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.ChildType;
import io.jarl.supervisor.DynamicSupervisor;
import io.jarl.supervisor.DynamicSupervisorOptions;
import io.jarl.supervisor.Restart;
import io.jarl.supervisor.Shutdown;
import io.jarl.supervisor.StartChildResult;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import io.jarl.supervisor.TerminateResult;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TaskSupervisor, after Elixir's task/supervisor_test.exs. Each test runs in an attached process that
 * traps exits and owns a task supervisor started with {@link TaskSupervisor#startLink()} (Elixir's
 * setup), shut down at the end.
 */
@ExtendWith(NoLeakedProcesses.class)
class TaskSupervisorTest {

    interface Body {
        void run(Pid supervisor) throws Exception;
    }

    static void withSupervisor(Body body) throws Exception {
        try (var me = attach()) {
            trapExit(true);
            Pid sup = TaskSupervisor.startLink().orElseThrow();
            body.run(sup);
            if (sup.isAlive()) {
                exit(sup, ExitReason.shutdown());
                awaitExit(sup);
            }
        }
    }

    static void block() {
        blockForever();
    }

    /** A trivial name registry for via names. */
    static final class MapRegistry implements NameRegistry {
        final ConcurrentHashMap<Object, Pid> names = new ConcurrentHashMap<>();

        @Override
        public boolean registerName(Object key, Pid pid) {
            return names.putIfAbsent(key, pid) == null;
        }

        @Override
        public void unregisterName(Object key) {
            names.remove(key);
        }

        @Override
        public Optional<Pid> whereisName(Object key) {
            return Optional.ofNullable(names.get(key));
        }
    }

    @Test
    void canBeSupervisedDirectly() throws Exception {
        withSupervisor(unused -> {
            Pid supsup = Supervisor.startLink(SupervisorFlags.oneForOne(),
                    List.of(TaskSupervisor.childSpec(StartOptions.named("task-sup-test")))).orElseThrow();
            assertThat(whereis("task-sup-test")).isPresent();
            Supervisor.stop(supsup);
        });
    }

    @Test
    void multipleSupervisorsCanBeSupervisedAndIdentifiedWithSimpleChildSpec() throws Exception {
        withSupervisor(unused -> {
            MapRegistry registry = new MapRegistry();
            Pid supsup = Supervisor.startLink(SupervisorFlags.oneForOne(), List.of(
                    TaskSupervisor.childSpec(StartOptions.named("simple_name")),
                    TaskSupervisor.childSpec(StartOptions.via(registry, "via_name")))).orElseThrow();
            Pid noName = Supervisor.startChild(supsup, TaskSupervisor.childSpec(StartOptions.defaults())).orElseThrow();

            assertThat(TaskSupervisor.children(Name.of("simple_name"))).isEmpty();
            assertThat(TaskSupervisor.children(new Via(registry, "via_name"))).isEmpty();
            assertThat(TaskSupervisor.children(noName)).isEmpty();
            assertThat(Supervisor.startChild(supsup, TaskSupervisor.childSpec(StartOptions.defaults())))
                    .isEqualTo(new StartChildResult.AlreadyStarted(noName));
            Supervisor.stop(supsup);
        });
    }

    @Test
    void childSpecIsASupervisor() {
        ChildSpec spec = TaskSupervisor.childSpec(StartOptions.named("tasks"));
        assertThat(spec.id()).isEqualTo("tasks");
        assertThat(spec.type()).isEqualTo(ChildType.SUPERVISOR);
        assertThat(spec.shutdown()).isEqualTo(Shutdown.infinity());
        assertThat(TaskSupervisor.childSpec(StartOptions.defaults()).id()).isEqualTo("TaskSupervisor");
    }

    @Test
    void countsAndReturnsChildren() throws Exception {
        withSupervisor(sup -> {
            assertThat(TaskSupervisor.children(sup)).isEmpty();
            assertThat(DynamicSupervisor.countChildren(sup)).isEqualTo(new ChildCounts(0, 0, 0, 0));
        });
    }

    // ------------------------------------------------------------------ async

    @Test
    void asyncSpawnsTasksUnderTheSupervisor() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Task<Object> task = TaskSupervisor.async(sup, () -> waitAndSend(parent, "done"));
            Pid pid = task.pid().orElseThrow();
            assertThat(TaskSupervisor.children(sup)).containsExactly(pid);
            assertThat(info(self()).orElseThrow().links()).contains(pid);

            awaitMessage("ready");
            assertThat(info(pid).orElseThrow().initialCall()).isEqualTo(task.function())
                    .startsWith(TaskSupervisorTest.class.getName());
            assertThat(info(pid).orElseThrow().ancestors()).startsWith(sup, self());

            send(pid, true);
            Task.Reply reply = (Task.Reply) awaitMatching("the reply",
                    m -> m instanceof Task.Reply r && r.ref().equals(task.ref()));
            assertThat(reply.value()).isEqualTo("done");
            assertThat(awaitDown(task.ref()).reason()).isEqualTo(ExitReason.normal());
            Task.demonitor(task);
            awaitExit(pid);
        });
    }

    @Test
    void asyncWithCustomShutdown() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Task<Object> task = TaskSupervisor.async(sup, () -> waitAndSend(parent, "done"), Shutdown.brutalKill());
            awaitMessage("ready");
            exit(sup, ExitReason.shutdown());
            assertThat(awaitDown(task.ref()).reason()).isEqualTo(ExitReason.killed());
            awaitExit(sup);
            awaitExit(task.pid().orElseThrow());
        });
    }

    @Test
    void asyncRaisesWhenMaxChildrenIsReached() throws Exception {
        withSupervisor(unused -> {
            Pid sup = TaskSupervisor.startLink(DynamicSupervisorOptions.defaults().withMaxChildren(1),
                    StartOptions.defaults()).orElseThrow();
            Task<Object> first = TaskSupervisor.async(sup, () -> {
                block();
                return null;
            });
            assertThatThrownBy(() -> TaskSupervisor.async(sup, () -> "ok")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reached the maximum number of tasks");
            assertThat(Task.shutdown(first)).isEqualTo(TaskResult.none());
            TaskSupervisor.stop(sup);
        });
    }

    @Test
    void asyncAwait() throws Exception {
        withSupervisor(sup -> {
            Task<Integer> task = TaskSupervisor.async(sup, () -> 6 * 7);
            assertThat(Task.await(task)).isEqualTo(42);
        });
    }

    @Test
    void asyncToAStoppedSupervisorIsNoproc() throws Exception {
        withSupervisor(sup -> {
            Pid dead = TaskSupervisor.startLink().orElseThrow();
            TaskSupervisor.stop(dead);
            assertThatThrownBy(() -> TaskSupervisor.async(dead, () -> 1)).isInstanceOfSatisfying(ExitException.class,
                    e -> assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
        });
    }

    // ------------------------------------------------------------------ async_nolink

    @Test
    void asyncNolinkSpawnsATaskUnderTheSupervisorWithoutLinkingToTheCaller() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Task<Object> task = TaskSupervisor.asyncNolink(sup, () -> waitAndSend(parent, "done"));
            Pid pid = task.pid().orElseThrow();
            assertThat(TaskSupervisor.children(sup)).containsExactly(pid);
            assertThat(info(self()).orElseThrow().links()).doesNotContain(pid);

            awaitMessage("ready");
            assertThat(info(pid).orElseThrow().initialCall()).isEqualTo(task.function());
            send(pid, true);
            Task.Reply reply = (Task.Reply) awaitMatching("the reply",
                    m -> m instanceof Task.Reply r && r.ref().equals(task.ref()));
            assertThat(reply.value()).isEqualTo("done");
            assertThat(awaitDown(task.ref()).reason()).isEqualTo(ExitReason.normal());
            Task.demonitor(task);
        });
    }

    @Test
    void asyncNolinkWithCustomShutdown() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Task<Object> task = TaskSupervisor.asyncNolink(sup, () -> waitAndSend(parent, "done"),
                    Shutdown.brutalKill());
            awaitMessage("ready");
            exit(sup, ExitReason.shutdown());
            assertThat(awaitDown(task.ref()).reason()).isEqualTo(ExitReason.killed());
            awaitExit(sup);
        });
    }

    @Test
    void asyncNolinkRaisesWhenMaxChildrenIsReached() throws Exception {
        withSupervisor(unused -> {
            Pid sup = TaskSupervisor.startLink(DynamicSupervisorOptions.defaults().withMaxChildren(1),
                    StartOptions.defaults()).orElseThrow();
            Task<Object> first = TaskSupervisor.asyncNolink(sup, () -> {
                block();
                return null;
            });
            assertThatThrownBy(() -> TaskSupervisor.asyncNolink(sup, () -> "ok"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reached the maximum number of tasks");
            assertThat(Task.shutdown(first)).isEqualTo(TaskResult.none());
            TaskSupervisor.stop(sup);
        });
    }

    @Test
    void asyncNolinkFailureReachesTheCallerAsADownAndAwaitRaisesIt() throws Exception {
        try (var me = attach()) { // not trapping exits: the caller must survive because it is not linked
            Pid sup = TaskSupervisor.start(DynamicSupervisorOptions.defaults(), StartOptions.defaults()).orElseThrow();
            Task<Object> task = TaskSupervisor.asyncNolink(sup, () -> {
                throw new IllegalStateException("nolink failure");
            });
            ExitException e = TaskTest.exitOf(() -> Task.await(task));
            assertThat(e.reason().cause()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                    assertThat(c.error()).hasMessage("nolink failure"));
            assertThat(inProcess()).isTrue();

            Task<Object> other = TaskSupervisor.asyncNolink(sup, () -> {
                throw exit(ExitReason.of("bad"));
            });
            assertThat(Task.yield(other)).isEqualTo(TaskResult.exit(ExitReason.of("bad")));
            TaskSupervisor.stop(sup);
        }
    }

    @Test
    void aNolinkTaskOutlivesItsOwner() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Pid owner = spawn(() -> {
                Task<Object> task = TaskSupervisor.asyncNolink(sup, () -> {
                    block();
                    return null;
                });
                send(parent, task.pid().orElseThrow());
            });
            Pid task = await(Pid.class);
            awaitDeath(owner);
            // Elixir: the task watches its owner only until the owner's go-ahead.
            assertThat(task.isAlive()).isTrue();
            assertThat(TaskSupervisor.children(sup)).containsExactly(task);
            assertThat(TaskSupervisor.terminateChild(sup, task)).isEqualTo(new TerminateResult.Terminated());
        });
    }

    @Test
    void aSupervisedTaskWhoseOwnerDiesBeforeItsGoExitsWithShutdown() throws Exception {
        try (var me = attach()) {
            Pid owner = spawn(TaskSupervisorTest::block);
            Pid task = spawn(Supervised.replying(owner, true, "TaskSupervisorTest.test/0"));
            Ref ref = monitor(task);
            eventually("the task watches its owner", () -> info(task).map(i -> i.monitors().contains(owner))
                    .orElse(false));
            kill(owner);
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown(ExitReason.killed()));
        }
    }

    @Test
    void aSupervisedTaskWithNoGoFromItsOwnerExitsWithTimeout() throws Exception {
        try (var me = attach()) {
            Pid task = spawn(Supervised.replying(self(), true, "TaskSupervisorTest.test/0"));
            Ref ref = monitor(task);
            Down down = receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : skip(),
                    Supervised.OWNER_TIMEOUT.plus(WAIT)).orElseThrow();
            assertThat(down.reason()).isEqualTo(ExitReason.timeout());
        }
    }

    // ------------------------------------------------------------------ start_child

    @Test
    void startChild() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Runnable fun = () -> waitAndSend(parent, "done");
            Pid pid = TaskSupervisor.startChild(sup, fun).orElseThrow();
            assertThat(TaskSupervisor.children(sup)).containsExactly(pid);
            assertThat(info(self()).orElseThrow().links()).doesNotContain(pid);
            awaitMessage("ready");
            assertThat(info(pid).orElseThrow().initialCall()).isEqualTo(Supervised.describe(fun, 0));
            send(pid, true);
            awaitMessage("done");
        });
    }

    @Test
    void startChildFromAPlainThread() throws Exception {
        Pid sup = TaskSupervisor.start(DynamicSupervisorOptions.defaults(), StartOptions.defaults()).orElseThrow();
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        assertThat(TaskSupervisor.startChild(sup, ran::countDown)).isInstanceOf(StartChildResult.Started.class);
        assertThat(ran.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        TaskSupervisor.stop(sup);
    }

    @Test
    void startChildWithCustomShutdown() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Pid pid = TaskSupervisor.startChild(sup, () -> waitAndSend(parent, "done"), Restart.TEMPORARY,
                    Shutdown.brutalKill()).orElseThrow();
            awaitMessage("ready");
            Ref ref = monitor(pid);
            exit(sup, ExitReason.shutdown());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.killed());
            awaitExit(sup);
        });
    }

    @Test
    void startChildWithCustomRestart() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Pid pid = TaskSupervisor.startChild(sup, () -> waitAndSend(parent, "done"), Restart.PERMANENT,
                    Shutdown.DEFAULT_WORKER).orElseThrow();
            awaitMessage("ready");
            Ref ref = monitor(pid);
            exit(pid, ExitReason.shutdown());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.shutdown());
            awaitMessage("ready");
            assertThat(TaskSupervisor.children(sup)).hasSize(1).doesNotContain(pid);
        });
    }

    @Test
    void startChildWithTransientRestart() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            Pid first = TaskSupervisor.startChild(sup, () -> {
                send(parent, "run " + runs.incrementAndGet());
                TaskTest.awaitGo();
                if (runs.get() == 1) {
                    throw new IllegalStateException("first run fails");
                }
            }, Restart.TRANSIENT, Shutdown.DEFAULT_WORKER).orElseThrow();
            awaitMessage("run 1");
            send(first, "go");
            awaitMessage("run 2"); // restarted after the failure
            Pid second = TaskSupervisor.children(sup).getFirst();
            Ref ref = monitor(second);
            send(second, "go");
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.normal());
            // A normal exit is not restarted: the supervisor forgets the task once it hears of its exit.
            eventually("the task is forgotten", () -> TaskSupervisor.children(sup).isEmpty());
            assertThat(runs).hasValue(2);
        });
    }

    @Test
    void startChildAtMaxChildren() throws Exception {
        withSupervisor(unused -> {
            Pid sup = TaskSupervisor.startLink(DynamicSupervisorOptions.defaults().withMaxChildren(1),
                    StartOptions.defaults()).orElseThrow();
            TaskSupervisor.startChild(sup, TaskSupervisorTest::block).orElseThrow();
            assertThat(TaskSupervisor.startChild(sup, () -> {})).isEqualTo(new StartChildResult.MaxChildren());
            TaskSupervisor.stop(sup);
        });
    }

    @Test
    void terminateChild() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Pid pid = TaskSupervisor.startChild(sup, () -> waitAndSend(parent, "done")).orElseThrow();
            assertThat(TaskSupervisor.children(sup)).containsExactly(pid);
            assertThat(TaskSupervisor.terminateChild(sup, pid)).isEqualTo(new TerminateResult.Terminated());
            assertThat(TaskSupervisor.children(sup)).isEmpty();
            assertThat(TaskSupervisor.terminateChild(sup, pid)).isEqualTo(new TerminateResult.NotFound());
        });
    }

    // ------------------------------------------------------------------ await

    @Test
    void awaitDemonitorsAndUnaliasesOnTimeout() throws Exception {
        withSupervisor(sup -> {
            Task<String> task = TaskSupervisor.async(sup, () -> {
                TaskTest.awaitGo();
                return "done";
            });
            assertThat(TaskTest.exitOf(() -> Task.await(task, Duration.ZERO)).reason().cause()).isEqualTo(ExitReason.timeout());
            Pid pid = task.pid().orElseThrow();
            Ref fresh = monitor(pid);
            send(pid, "go");
            awaitDown(fresh);
            assertThat(TaskTest.replyQueued(task)).isFalse();
            assertThat(pollDown(task.ref())).isFalse();
            awaitExit(pid);
        });
    }

    @Test
    void awaitExitsOnTaskError() throws Exception {
        withSupervisor(sup -> {
            Task<Object> task = TaskSupervisor.async(sup, () -> {
                throw new IllegalStateException("oops");
            });
            assertThat(TaskTest.exitOf(() -> Task.await(task)).reason().cause()).isInstanceOf(ExitReason.Crash.class);
            awaitExit(task.pid().orElseThrow());
        });
    }

    @Test
    void awaitExitsOnTaskExit() throws Exception {
        withSupervisor(sup -> {
            Task<Object> task = TaskSupervisor.async(sup, () -> {
                throw exit(ExitReason.of("unknown"));
            });
            assertThat(TaskTest.exitOf(() -> Task.await(task)).reason().cause()).isEqualTo(ExitReason.of("unknown"));
            awaitExit(task.pid().orElseThrow());
        });
    }

    // ------------------------------------------------------------------ futures

    @Test
    void asFutureRunsASupervisedTaskForAPlainThread() throws Exception {
        Pid sup = TaskSupervisor.start(DynamicSupervisorOptions.defaults(), StartOptions.named("future-sup"))
                .orElseThrow();
        CompletableFuture<String> future = TaskSupervisor.asFuture(Name.of("future-sup"), () -> "supervised");
        assertThat(future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("supervised");
        TaskSupervisor.stop(sup);

        CompletableFuture<String> noSup = TaskSupervisor.asFuture(Name.of("future-sup"), () -> "never");
        assertThatThrownBy(() -> noSup.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ExitException.class, e ->
                        assertThat(e.reason().cause()).isEqualTo(ExitReason.noproc()));
    }

    @Test
    void asFutureFailsWithShutdownWhenTheSupervisorStops() throws Exception {
        Pid sup = TaskSupervisor.start(DynamicSupervisorOptions.defaults(), StartOptions.defaults()).orElseThrow();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Object> future = TaskSupervisor.asFuture(sup, () -> {
            started.countDown();
            block();
            return null;
        });
        assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        TaskSupervisor.stop(sup);
        assertThatThrownBy(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ExitException.class, e ->
                        assertThat(e.reason().cause()).isEqualTo(ExitReason.shutdown()));
    }

    // ------------------------------------------------------------------ async_stream

    @Test
    void asyncStreamStreamsAnEnumerableWithFun() throws Exception {
        withSupervisor(sup -> assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStream(sup,
                AsyncStreamTest.range(1, 4), n -> n, AsyncStreamOptions.defaults())))
                .isEqualTo(AsyncStreamTest.oks(List.of(1, 2, 3, 4))));
    }

    @Test
    void asyncStreamStreamsAnEnumerableWithoutLeakingTasks() throws Exception {
        withSupervisor(sup -> {
            assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStream(sup, AsyncStreamTest.range(1, 4), n -> n,
                    AsyncStreamOptions.defaults()))).isEqualTo(AsyncStreamTest.oks(List.of(1, 2, 3, 4)));
            eventually("the supervisor forgets its ended tasks", () -> TaskSupervisor.children(sup).isEmpty());
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void asyncStreamStreamsAnEnumerableWithSlowestFirst() throws Exception {
        withSupervisor(sup -> {
            List<Integer> input = AsyncStreamTest.range(4, 1);
            Pid gate = Gate.start(Gate.newestFirst(input, 4), false);
            assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStream(sup, input, n -> Gate.pass(gate, n),
                    AsyncStreamOptions.defaults().withMaxConcurrency(4))))
                    .isEqualTo(AsyncStreamTest.oks(List.of(4, 3, 2, 1)));
        });
    }

    @Test
    void asyncStreamStreamsAnEnumerableWithExits() throws Exception {
        withSupervisor(sup -> {
            assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStream(sup, List.of("1", "2", "3", "4"),
                    AsyncStreamTest::exitWith, AsyncStreamOptions.defaults())))
                    .isEqualTo(AsyncStreamTest.exits(List.of("1", "2", "3", "4")));
        });
    }

    @Test
    void asyncStreamShutsDownUnusedTasks() throws Exception {
        withSupervisor(sup -> {
            try (Stream<TaskResult<Integer>> stream = TaskSupervisor.asyncStream(sup,
                    List.of(0, AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK),
                    AsyncStreamTest::blockOrReturn, AsyncStreamOptions.defaults().withMaxConcurrency(4))) {
                assertThat(stream.limit(1).toList()).isEqualTo(AsyncStreamTest.oks(List.of(0)));
            }
            assertThat(info(self()).orElseThrow().links()).containsExactly(sup);
            eventually("the supervisor forgets its ended tasks", () -> TaskSupervisor.children(sup).isEmpty());
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void asyncStreamRaisesAnErrorIfMaxChildrenIsReachedWithCleanStreamShutdown() throws Exception {
        withSupervisor(unused -> {
            Pid sup = TaskSupervisor.startLink(DynamicSupervisorOptions.defaults().withMaxChildren(1),
                    StartOptions.defaults()).orElseThrow();
            List<Integer> collection = List.of(AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK);
            assertThatThrownBy(() -> AsyncStreamTest.toList(TaskSupervisor.asyncStream(sup, collection,
                    AsyncStreamTest::blockOrReturn, AsyncStreamOptions.defaults().withMaxConcurrency(2))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reached the maximum number of tasks");
            assertThat(info(self()).orElseThrow().links()).containsExactlyInAnyOrder(unused, sup);
            assertThat(flush()).isEmpty();
            TaskSupervisor.stop(sup);
        });
    }

    @Test
    void asyncStreamWithTimeoutAndZipInputOnExitSetToTrue() throws Exception {
        withSupervisor(sup -> assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStream(sup,
                List.of(1, AsyncStreamTest.BLOCK), AsyncStreamTest::blockOrReturn,
                AsyncStreamOptions.defaults().withZipInputOnExit(true)
                        .withOnTimeout(AsyncStreamOptions.OnTimeout.KILL_TASK).withTimeout(AsyncStreamTest.TASK_TIMEOUT))))
                .isEqualTo(List.of(TaskResult.ok(1), TaskResult.exit(ExitReason.timeout(), AsyncStreamTest.BLOCK))));
    }

    @Test
    void asyncStreamWithOuterHaltOnFailureAndZipInputOnExit() throws Exception {
        withSupervisor(sup -> {
            try (Stream<TaskResult<Object>> stream = TaskSupervisor.asyncStream(sup, AsyncStreamTest.range(1, 8),
                    AsyncStreamTest::exitWith, AsyncStreamOptions.defaults().withZipInputOnExit(true))) {
                assertThat(stream.limit(4).toList()).isEqualTo(List.of(1, 2, 3, 4).stream()
                        .map(n -> TaskResult.exit(ExitReason.of(n), n)).toList());
            }
        });
    }

    @Test
    void asyncStreamDoesNotAllowStreamingWithInvalidShutdown() {
        assertThatThrownBy(() -> AsyncStreamOptions.defaults().withShutdown(Shutdown.infinity()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shutdown must be either a timeout or brutal kill");
    }

    @Test
    void asyncStreamConsumingFromAnotherProcess() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Stream<TaskResult<Object>> stream = TaskSupervisor.asyncStream(sup, List.of(1, 2, 3), n -> {
                send(parent, n);
                return n;
            }, AsyncStreamOptions.defaults());
            Pid consumer = Task.start(() -> AsyncStreamTest.toList(stream));
            awaitMessage(1);
            awaitMessage(2);
            awaitMessage(3);
            awaitDeath(consumer);
        });
    }

    @Test
    void asyncStreamTasksUseTheStreamsShutdown() throws Exception {
        withSupervisor(sup -> {
            Pid parent = self();
            Stream<TaskResult<Object>> stream = TaskSupervisor.asyncStream(sup, List.of(1), n -> {
                trapExit(true); // a trapping task is killed only by a brutal kill
                send(parent, self());
                block();
                return n;
            }, AsyncStreamOptions.defaults().withShutdown(Shutdown.brutalKill()));
            Pid consumer = spawn(() -> AsyncStreamTest.toList(stream));
            Pid task = await(Pid.class);
            Ref ref = monitor(task);
            exit(sup, ExitReason.shutdown());
            assertThat(awaitDown(ref).reason()).isEqualTo(ExitReason.killed());
            awaitExit(sup);
            awaitDeath(consumer);
        });
    }

    // ------------------------------------------------------------------ async_stream_nolink

    @Test
    void asyncStreamNolinkStreamsAnEnumerableWithFun() throws Exception {
        withSupervisor(sup -> assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStreamNolink(sup,
                AsyncStreamTest.range(1, 4), n -> n, AsyncStreamOptions.defaults().withMaxConcurrency(4))))
                .isEqualTo(AsyncStreamTest.oks(List.of(1, 2, 3, 4))));
    }

    @Test
    void asyncStreamNolinkStreamsAnEnumerableWithSlowestFirst() throws Exception {
        withSupervisor(sup -> {
            List<Integer> input = AsyncStreamTest.range(4, 1);
            Pid gate = Gate.start(Gate.newestFirst(input, 4), false);
            assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStreamNolink(sup, input, n -> Gate.pass(gate, n),
                    AsyncStreamOptions.defaults().withMaxConcurrency(4))))
                    .isEqualTo(AsyncStreamTest.oks(List.of(4, 3, 2, 1)));
        });
    }

    @Test
    void asyncStreamNolinkStreamsAnEnumerableWithExits() throws Exception {
        try (var me = attach()) { // not trapping: nolink tasks do not take the consumer down
            Pid sup = TaskSupervisor.start(DynamicSupervisorOptions.defaults(), StartOptions.defaults()).orElseThrow();
            assertThat(AsyncStreamTest.toList(TaskSupervisor.asyncStreamNolink(sup, AsyncStreamTest.range(1, 4),
                    AsyncStreamTest::exitWith, AsyncStreamOptions.defaults().withMaxConcurrency(4))))
                    .isEqualTo(AsyncStreamTest.exits(List.of(1, 2, 3, 4)));
            assertThat(flush()).isEmpty();
            TaskSupervisor.stop(sup);
        }
    }

    @Test
    void asyncStreamNolinkShutsDownUnusedTasks() throws Exception {
        withSupervisor(sup -> {
            try (Stream<TaskResult<Integer>> stream = TaskSupervisor.asyncStreamNolink(sup,
                    List.of(0, AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK),
                    AsyncStreamTest::blockOrReturn, AsyncStreamOptions.defaults().withMaxConcurrency(4))) {
                assertThat(stream.limit(1).toList()).isEqualTo(AsyncStreamTest.oks(List.of(0)));
            }
            assertThat(info(self()).orElseThrow().links()).containsExactly(sup);
            eventually("the supervisor forgets its ended tasks", () -> TaskSupervisor.children(sup).isEmpty());
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void asyncStreamNolinkRaisesAnErrorIfMaxChildrenIsReachedWithCleanStreamShutdown() throws Exception {
        withSupervisor(unused -> {
            Pid sup = TaskSupervisor.startLink(DynamicSupervisorOptions.defaults().withMaxChildren(1),
                    StartOptions.defaults()).orElseThrow();
            List<Integer> collection = List.of(AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK, AsyncStreamTest.BLOCK);
            assertThatThrownBy(() -> AsyncStreamTest.toList(TaskSupervisor.asyncStreamNolink(sup, collection,
                    AsyncStreamTest::blockOrReturn, AsyncStreamOptions.defaults().withMaxConcurrency(2))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reached the maximum number of tasks");
            assertThat(info(self()).orElseThrow().links()).containsExactlyInAnyOrder(unused, sup);
            assertThat(flush()).isEmpty();
            TaskSupervisor.stop(sup);
        });
    }

    @Test
    void anUnsupervisedDownIsNotMistakenForATask() throws Exception {
        withSupervisor(sup -> {
            Task<String> task = TaskSupervisor.asyncNolink(sup, () -> "done");
            send(self(), new Down(makeRef(), self(), ExitReason.of("stranger")));
            assertThat(Task.await(task)).isEqualTo("done");
            assertThat(flush()).hasSize(1);
        });
    }
}
