package io.jarl.task;

import static io.jarl.Jarl.*;
import static io.jarl.task.TaskTest.asProcess;
import static io.jarl.testing.ProcessTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Spawned;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Task.asyncStream, after the async_stream cases of Elixir's task_test.exs. Elixir orders the tasks'
 * ends with sleeps; here a {@link Gate} releases them in a chosen order, and tasks that Elixir lets
 * sleep forever block in a receive.
 */
@ExtendWith(NoLeakedProcesses.class)
class AsyncStreamTest {

    /** Stands for Elixir's {@code :infinity} sleep: a task that never ends by itself. */
    static final int BLOCK = -1;

    /** A generous per-task timeout for tests where some tasks must time out and others must not. */
    static final Duration TASK_TIMEOUT = Duration.ofSeconds(1);

    static AsyncStreamOptions concurrency(int n) {
        return AsyncStreamOptions.defaults().withMaxConcurrency(n);
    }

    static List<Integer> range(int from, int to) {
        return from <= to ? IntStream.rangeClosed(from, to).boxed().toList()
                : IntStream.rangeClosed(to, from).map(i -> from + to - i).boxed().toList();
    }

    /** The element itself, or a block forever for {@link #BLOCK}. */
    static int blockOrReturn(int n) {
        if (n == BLOCK) {
            blockForever();
        }
        return n;
    }

    /** A task that exits with its element as reason (Elixir: {@code &exit/1}). */
    static Object exitWith(Object n) {
        throw exit(ExitReason.of(n));
    }

    static <R> List<TaskResult<R>> oks(List<R> values) {
        return values.stream().map(TaskResult::ok).toList();
    }

    static List<TaskResult<Object>> exits(List<?> reasons) {
        return reasons.stream().map(r -> TaskResult.exit(ExitReason.of(r))).toList();
    }

    static <T> List<T> toList(Stream<T> stream) {
        try (stream) {
            return stream.toList();
        }
    }

    // ------------------------------------------------------------------ async_stream/2

    @Test
    void timeout() throws Exception {
        asProcess(() -> {
            Stream<TaskResult<Integer>> stream = Task.asyncStream(List.of(BLOCK), AsyncStreamTest::blockOrReturn,
                    AsyncStreamOptions.defaults().withTimeout(Duration.ZERO));
            assertThatThrownBy(() -> toList(stream)).isInstanceOfSatisfying(ExitException.class, e ->
                    assertThat(e.reason()).isEqualTo(ExitReason.timeout()));
            assertThat(flush()).isEmpty();
            assertThat(info(self()).orElseThrow().links()).isEmpty();
        });
    }

    @Test
    void streamsAnEnumerableWithOrderedFalse() throws Exception {
        asProcess(() -> {
            AsyncStreamOptions one = concurrency(1).withOrdered(false);
            assertThat(toList(Task.asyncStream(range(4, 1), n -> n, one))).isEqualTo(oks(List.of(4, 3, 2, 1)));

            Pid gate = Gate.start(List.of(1, 2, 3, 4), true);
            AsyncStreamOptions four = concurrency(4).withOrdered(false);
            List<TaskResult<Integer>> out = toList(Task.asyncStream(range(4, 1), n -> Gate.pass(gate, n), four)
                    .peek(r -> Gate.emitted(gate, ((TaskResult.Ok<Integer>) r).value())));
            assertThat(out).isEqualTo(oks(List.of(1, 2, 3, 4)));
        });
    }

    @Test
    void streamsAnEnumerableWithOrderedFalseOnTimeoutKillTask() throws Exception {
        asProcess(() -> {
            AsyncStreamOptions options = concurrency(4).withOrdered(false)
                    .withOnTimeout(AsyncStreamOptions.OnTimeout.KILL_TASK).withTimeout(TASK_TIMEOUT);
            assertThat(toList(Task.asyncStream(List.of(BLOCK, 1, BLOCK, 1), AsyncStreamTest::blockOrReturn, options)))
                    .isEqualTo(List.of(TaskResult.ok(1), TaskResult.ok(1), TaskResult.exit(ExitReason.timeout()),
                            TaskResult.exit(ExitReason.timeout())));
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void streamsAnEnumerableWithInfiniteTimeout() throws Exception {
        asProcess(() -> assertThat(toList(Task.asyncStream(List.of(1), n -> "ok",
                AsyncStreamOptions.defaults().withTimeout(Task.INFINITY)))).isEqualTo(oks(List.of("ok"))));
    }

    @Test
    void doesNotAllowStreamingWithMaxConcurrency0() {
        assertThatThrownBy(() -> AsyncStreamOptions.defaults().withMaxConcurrency(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrency must be an integer greater than zero");
    }

    @Test
    void doesNotAllowStreamingWithInvalidTimeout() {
        assertThatThrownBy(() -> AsyncStreamOptions.defaults().withTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be");
    }

    @Test
    void streamsWithFakeDownMessagesOnTheInbox() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            assertThat(toList(Task.asyncStream(List.of("ok"), x -> {
                for (Pid link : info(self()).orElseThrow().links()) {
                    send(link, new Down(makeRef(), parent, ExitReason.of("oops")));
                }
                return x;
            }))).isEqualTo(oks(List.of("ok")));
        });
    }

    @Test
    void consumingFromAnotherProcess() throws Exception {
        asProcess(() -> {
            Pid parent = self();
            Stream<TaskResult<Object>> stream = Task.asyncStream(List.of(1, 2, 3), n -> {
                send(parent, n);
                return n;
            });
            Pid consumer = Task.start(() -> toList(stream));
            awaitMessage(1);
            awaitMessage(2);
            awaitMessage(3);
            awaitDeath(consumer);
        });
    }

    @Test
    void wrappingAFlatMapConcatWithAHaltableStream() throws Exception {
        asProcess(() -> {
            Stream<Object> source = Stream.concat(Stream.<Object>of("foo", "bar").limit(1), Stream.of(1, 2));
            assertThat(toList(Task.asyncStream(source, x -> x, AsyncStreamOptions.defaults())))
                    .isEqualTo(oks(List.of("foo", 1, 2)));
        });
    }

    @Test
    void consumingFromAPlainThreadFailsClearly() {
        Stream<TaskResult<Integer>> stream = Task.asyncStream(List.of(1), n -> n);
        assertThatThrownBy(() -> toList(stream)).isInstanceOf(NotAProcessException.class)
                .hasMessageContaining("Task.asyncStream");
    }

    @Test
    void theStreamIsLazyAndReadsAheadOnlyAsFarAsTheConcurrency() throws Exception {
        asProcess(() -> {
            AtomicInteger read = new AtomicInteger();
            Iterable<Integer> source = () -> new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Integer next() {
                    return read.incrementAndGet();
                }
            };
            // Only the first element's task ends, so no slot frees up for a fourth read.
            try (Stream<TaskResult<Integer>> stream = Task.asyncStream(source, n -> blockOrReturn(n == 1 ? 1 : BLOCK),
                    concurrency(3))) {
                assertThat(read).hasValue(0);
                assertThat(stream.limit(1).toList()).isEqualTo(oks(List.of(1)));
                assertThat(read).hasValue(3);
            }
        });
    }

    @Test
    void closingEarlyShutsDownTheRunningTasks() throws Exception {
        asProcess(() -> {
            // A collector learns every task's pid, and lets the first task end only once all four run.
            Pid collector = spawn(() -> {
                List<Pid> tasks = new ArrayList<>();
                Pid first = null;
                while (tasks.size() < 4) {
                    Gate.Arrived arrived = receive(Gate.Arrived.class);
                    tasks.add(arrived.task());
                    if (arrived.element().equals(0)) {
                        first = arrived.task();
                    }
                }
                send(first, new Gate.Release());
                send(receive(Pid.class), List.copyOf(tasks));
            });
            List<TaskResult<Integer>> first;
            try (Stream<TaskResult<Integer>> stream = Task.asyncStream(List.of(0, BLOCK, BLOCK, BLOCK), n -> {
                if (n == 0) {
                    return Gate.pass(collector, n);
                }
                send(collector, new Gate.Arrived(n, self()));
                return blockOrReturn(n);
            }, concurrency(4))) {
                first = stream.limit(1).toList();
            }
            assertThat(first).isEqualTo(oks(List.of(0)));
            send(collector, self());
            @SuppressWarnings("unchecked")
            List<Pid> tasks = await(List.class);
            assertThat(tasks).hasSize(4).allSatisfy(pid -> assertThat(pid.isAlive()).isFalse());
            assertThat(info(self()).orElseThrow().links()).isEmpty();
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void anExceptionInTheConsumerClosesTheStream() throws Exception {
        asProcess(() -> {
            Stream<TaskResult<Integer>> stream = Task.asyncStream(List.of(0, BLOCK, BLOCK), AsyncStreamTest::blockOrReturn,
                    concurrency(3));
            assertThatThrownBy(() -> stream.forEach(r -> {
                throw new IllegalStateException("consumer gave up");
            })).hasMessage("consumer gave up");
            assertThat(info(self()).orElseThrow().links()).isEmpty();
            assertThat(flush()).isEmpty();
        });
    }

    @Test
    void aFailingSourceClosesTheStream() throws Exception {
        asProcess(() -> {
            Stream<Integer> source = Stream.of(0, 1, 2).map(n -> {
                if (n == 2) {
                    throw new IllegalStateException("source broke");
                }
                return n == 1 ? BLOCK : n;
            });
            AtomicBoolean sourceClosed = new AtomicBoolean();
            Stream<TaskResult<Integer>> stream = Task.asyncStream(source.onClose(() -> sourceClosed.set(true)),
                    AsyncStreamTest::blockOrReturn, concurrency(3));
            assertThatThrownBy(() -> stream.toList()).hasMessage("source broke");
            assertThat(sourceClosed).isTrue();
            assertThat(info(self()).orElseThrow().links()).isEmpty();
        });
    }

    @Test
    void aTaskFailureExitsAConsumerThatDoesNotTrapExits() throws Exception {
        asProcess(() -> {
            Spawned consumer = spawnMonitor(() -> toList(Task.asyncStream(List.of(1), n -> {
                throw new IllegalStateException("task failure");
            })));
            assertThat(awaitDown(consumer.monitor()).reason()).isInstanceOfSatisfying(ExitReason.Crash.class, c ->
                    assertThat(c.error()).hasMessage("task failure"));
        });
    }

    @Test
    void terminatesOuterEffect() throws Exception {
        asProcess(() -> {
            AtomicBoolean closed = new AtomicBoolean();
            Stream<Integer> source = range(1, 4).stream().onClose(() -> closed.set(true));
            Stream<TaskResult<Integer>> stream = Task.asyncStream(source, n -> n, AsyncStreamOptions.defaults());
            assertThat(stream.toList()).isEqualTo(oks(List.of(1, 2, 3, 4))); // consumed to the end, not closed
            assertThat(closed).isTrue();
        });
    }

    // ------------------------------------------------------------------ async_stream with max_concurrency <, ==, > tasks

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void streamsAnEnumerableWithFun(int c) throws Exception {
        asProcess(() -> assertThat(toList(Task.asyncStream(range(1, 4), n -> n, concurrency(c))))
                .isEqualTo(oks(List.of(1, 2, 3, 4))));
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void streamsAnEnumerableWithoutLeakingTasks(int c) throws Exception {
        asProcess(() -> {
            assertThat(toList(Task.asyncStream(range(1, 4), n -> n, concurrency(c)))).isEqualTo(oks(List.of(1, 2, 3, 4)));
            assertThat(flush()).isEmpty();
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void streamsAnEnumerableWithSlowestFirst(int c) throws Exception {
        asProcess(() -> {
            trapExit(true);
            List<Integer> input = range(4, 1);
            Pid gate = Gate.start(Gate.newestFirst(input, c), false);
            assertThat(toList(Task.asyncStream(input, n -> Gate.pass(gate, n), concurrency(c))))
                    .isEqualTo(oks(List.of(4, 3, 2, 1)));
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void streamsAnEnumerableWithExits(int c) throws Exception {
        asProcess(() -> {
            trapExit(true);
            assertThat(toList(Task.asyncStream(range(1, 4), AsyncStreamTest::exitWith, concurrency(c))))
                    .isEqualTo(exits(List.of(1, 2, 3, 4)));
            assertThat(flush()).as("no Exit from the tasks reaches the consumer").isEmpty();
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void shutsDownUnusedTasks(int c) throws Exception {
        asProcess(() -> {
            try (Stream<TaskResult<Integer>> stream = Task.asyncStream(List.of(0, BLOCK, BLOCK, BLOCK),
                    AsyncStreamTest::blockOrReturn, concurrency(c))) {
                assertThat(stream.limit(1).toList()).isEqualTo(oks(List.of(0)));
            }
            assertThat(info(self()).orElseThrow().links()).isEmpty();
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void shutsDownUnusedTasksWithoutLeakingMessages(int c) throws Exception {
        asProcess(() -> {
            try (Stream<TaskResult<Integer>> stream = Task.asyncStream(List.of(0, BLOCK, BLOCK, BLOCK),
                    AsyncStreamTest::blockOrReturn, concurrency(c))) {
                assertThat(stream.limit(1).toList()).isEqualTo(oks(List.of(0)));
            }
            assertThat(flush()).isEmpty();
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withInnerHaltOnSuccess(int c) throws Exception {
        asProcess(() -> assertThat(toList(Task.asyncStream(range(1, 8).stream().limit(4), n -> n, concurrency(c))))
                .isEqualTo(oks(List.of(1, 2, 3, 4))));
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withInnerHaltOnFailure(int c) throws Exception {
        asProcess(() -> {
            trapExit(true);
            assertThat(toList(Task.asyncStream(range(1, 8).stream().limit(4), AsyncStreamTest::exitWith,
                    concurrency(c)))).isEqualTo(exits(List.of(1, 2, 3, 4)));
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withInnerHaltAndSlowestFirst(int c) throws Exception {
        asProcess(() -> {
            List<Integer> input = range(8, 5);
            Pid gate = Gate.start(Gate.newestFirst(input, c), false);
            assertThat(toList(Task.asyncStream(range(8, 1).stream().limit(4), n -> Gate.pass(gate, n), concurrency(c))))
                    .isEqualTo(oks(List.of(8, 7, 6, 5)));
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withOuterHaltOnSuccess(int c) throws Exception {
        asProcess(() -> {
            try (Stream<TaskResult<Integer>> stream = Task.asyncStream(range(1, 8), n -> n, concurrency(c))) {
                assertThat(stream.limit(4).toList()).isEqualTo(oks(List.of(1, 2, 3, 4)));
            }
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withOuterHaltOnFailure(int c) throws Exception {
        asProcess(() -> {
            trapExit(true);
            try (Stream<TaskResult<Object>> stream = Task.asyncStream(range(1, 8), AsyncStreamTest::exitWith,
                    concurrency(c))) {
                assertThat(stream.limit(4).toList()).isEqualTo(exits(List.of(1, 2, 3, 4)));
            }
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withOuterHaltAndSlowestFirst(int c) throws Exception {
        asProcess(() -> {
            // Only the first four are released; the tasks of the others wait at the gate until closed.
            Pid gate = Gate.start(Gate.newestFirst(range(8, 5), c), false);
            try (Stream<TaskResult<Integer>> stream = Task.asyncStream(range(8, 1), n -> Gate.pass(gate, n),
                    concurrency(c))) {
                assertThat(stream.limit(4).toList()).isEqualTo(oks(List.of(8, 7, 6, 5)));
            }
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withOnTimeoutSetToKillTask(int c) throws Exception {
        asProcess(() -> {
            AsyncStreamOptions options = concurrency(c).withOnTimeout(AsyncStreamOptions.OnTimeout.KILL_TASK)
                    .withTimeout(TASK_TIMEOUT);
            assertThat(toList(Task.asyncStream(List.of(BLOCK, 1, BLOCK, 1), AsyncStreamTest::blockOrReturn, options)))
                    .isEqualTo(List.of(TaskResult.exit(ExitReason.timeout()), TaskResult.ok(1),
                            TaskResult.exit(ExitReason.timeout()), TaskResult.ok(1)));
            assertThat(flush()).isEmpty();
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withTimeoutAndZipInputOnExitSetToTrue(int c) throws Exception {
        asProcess(() -> {
            AsyncStreamOptions options = concurrency(c).withZipInputOnExit(true)
                    .withOnTimeout(AsyncStreamOptions.OnTimeout.KILL_TASK).withTimeout(TASK_TIMEOUT);
            assertThat(toList(Task.asyncStream(List.of(1, BLOCK), AsyncStreamTest::blockOrReturn, options)))
                    .isEqualTo(List.of(TaskResult.ok(1), TaskResult.exit(ExitReason.timeout(), BLOCK)));
        });
    }

    @ParameterizedTest(name = "max concurrency {0}")
    @ValueSource(ints = {2, 4, 8})
    void withOuterHaltOnFailureAndZipInputOnExit(int c) throws Exception {
        asProcess(() -> {
            trapExit(true);
            try (Stream<TaskResult<Object>> stream = Task.asyncStream(range(1, 8), AsyncStreamTest::exitWith,
                    concurrency(c).withZipInputOnExit(true))) {
                assertThat(stream.limit(4).toList()).isEqualTo(List.of(1, 2, 3, 4).stream()
                        .map(n -> TaskResult.exit(ExitReason.of(n), n)).toList());
            }
        });
    }
}
