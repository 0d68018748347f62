package io.jarl.task;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import io.jarl.Spawned;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/*
 * Implementation overview.
 *
 * Elixir's Task.Supervised.stream/7, as a Spliterator pulled by the consumer:
 * - The first pull makes the consumer the owner of the run and starts a "monitor" process, linked to
 *   the consumer and trapping exits if the consumer does (stream_monitor/4). The monitor starts the
 *   tasks (Spawner, run in the monitor, so plain tasks are linked to it and supervised ones are
 *   started by a call from it), monitors each, times each out (it kills a task past its timeout,
 *   unlinked first), and tells the consumer of each end with a TaskDown. When the consumer dies, it
 *   sends the linked tasks the consumer's reason (shutdown for normal, where Elixir sends normal,
 *   which a task ignores) and ends.
 * - The consumer (tryAdvance, stream_reduce/7) reads the source only when a task slot is free, asks
 *   the monitor for a task (Spawn -> SpawnedTask), and sends the task its Go with the function applied
 *   to the element; the task replies to the consumer directly. A result is final only at the task's
 *   TaskDown (a reply is sent before the task dies, so it is queued before the TaskDown the monitor
 *   sends after seeing the task's Down). Ordered runs buffer results by position.
 * - close() (stream_close/1): Stop to the monitor, which kills its tasks, waits for their Downs and
 *   exits normal; the consumer waits for the monitor's Down and drops the run's messages still
 *   queued. All messages of a run carry its tag, so runs never mix.
 *
 * Differences from Elixir: a timeout with on_timeout EXIT closes the run before the consumer exits
 * (Elixir leaves the monitor to the link), because Java code often catches the exit and goes on; the
 * monitor exits normal when the consumer dies, so it logs no crash report of its own.
 */
final class AsyncStream<E, R> implements Spliterator<TaskResult<R>> {

    record StreamReply(Ref tag, long position, Object value) {}

    record Spawn(Ref tag, long position) {}

    record Stop(Ref tag) {}

    record SpawnedTask(Ref tag, long position, Pid pid) {}

    record MaxChildren(Ref tag) {}

    record TaskDown(Ref tag, long position, ExitReason reason, boolean timedOut) {}

    private record TimedOut(Ref tag, Ref monitor) {}

    /** A task the monitor started: its pid, and whether it is linked to the monitor. */
    record Started(Pid pid, boolean linked) {}

    /**
     * Starts one task of the stream, in the monitor process, waiting for its Go from {@code consumer}.
     * Empty when a task supervisor has its maximum number of children.
     */
    @FunctionalInterface
    interface Spawner {
        Optional<Started> spawn(Pid consumer);
    }

    static final String MAX_CHILDREN = "reached the maximum number of tasks for this task supervisor. The maximum"
            + " number of tasks that are allowed to run at the same time under this supervisor can be configured"
            + " with DynamicSupervisorOptions.withMaxChildren given to TaskSupervisor.startLink. When using"
            + " asyncStream or asyncStreamNolink, make sure to configure maxConcurrency to be lower or equal to"
            + " maxChildren and pay attention to whether other tasks are also spawned under the same task supervisor.";

    /** A task of the run, by position: its input (if zipped), its reply, then its final result. */
    private static final class Slot<R> {
        final Optional<Object> input;
        TaskResult<R> reply;
        TaskResult<R> result;

        Slot(Optional<Object> input) {
            this.input = input;
        }
    }

    private final String what;
    private final Supplier<? extends Iterator<? extends E>> source;
    private final Runnable closeSource;
    private final Function<? super E, ? extends R> fn;
    private final AsyncStreamOptions options;
    private final Spawner spawner;

    // The run, made by the first pull; consumer-only.
    private Iterator<? extends E> input;
    private Pid consumer;
    private Pid monitor;
    private Ref monitorRef;
    private Ref tag;
    private final Map<Long, Slot<R>> waiting = new HashMap<>();
    private final ArrayDeque<TaskResult<R>> ready = new ArrayDeque<>();
    private long spawned;
    private long delivered;
    private int free;
    private boolean sourceDone;
    private boolean closed;

    private AsyncStream(String what, Supplier<? extends Iterator<? extends E>> source, Runnable closeSource,
                        Function<? super E, ? extends R> fn, AsyncStreamOptions options, Spawner spawner) {
        this.what = what;
        this.source = source;
        this.closeSource = closeSource;
        this.fn = fn;
        this.options = options;
        this.spawner = spawner;
    }

    static <E, R> Stream<TaskResult<R>> create(String what, Supplier<? extends Iterator<? extends E>> source,
            Runnable closeSource, Function<? super E, ? extends R> fn, AsyncStreamOptions options, Spawner spawner) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(options, "options");
        AsyncStream<E, R> run = new AsyncStream<>(what, source, closeSource, fn, options, spawner);
        return StreamSupport.stream(run, false).onClose(run::close);
    }

    // ------------------------------------------------------------------ the consumer's side

    @Override
    public boolean tryAdvance(Consumer<? super TaskResult<R>> action) {
        Objects.requireNonNull(action, "action");
        if (closed) {
            return false;
        }
        if (consumer == null) {
            start();
        } else if (!Jarl.inProcess() || !Jarl.self().equals(consumer)) {
            throw new IllegalStateException(what + " is consumed by one process: " + consumer + " started it, "
                    + (Jarl.inProcess() ? Jarl.self() : Thread.currentThread().getName()) + " pulled it");
        }
        for (;;) {
            TaskResult<R> next = nextReady();
            if (next != null) {
                try {
                    action.accept(next);
                } catch (RuntimeException | Error e) {
                    closeAfter(e);
                    throw e;
                }
                return true;
            }
            if (sourceDone && spawned == delivered) {
                close();
                return false;
            }
            if (free > 0 && !sourceDone) {
                pull();
            } else {
                awaitEvent();
            }
        }
    }

    private void start() {
        Pid me = Supervised.requireProcessBecause(what + " must be consumed in a process, which owns the run"
                + " and receives its results");
        boolean trapping = Jarl.info(me).map(ProcessInfo::trapExit).orElse(false);
        Ref runTag = Jarl.makeRef();
        Spawner spawn = spawner;
        Duration timeout = options.timeout();
        SpawnOptions monitorOptions = SpawnOptions.defaults().link().initialCall(what + " monitor");
        Spawned started = Jarl.spawnMonitor(trapping ? monitorOptions.trapExit() : monitorOptions,
                () -> monitorLoop(me, runTag, spawn, timeout));
        consumer = me;
        tag = runTag;
        monitor = started.pid();
        monitorRef = started.monitor();
        free = options.maxConcurrency();
        try {
            input = Objects.requireNonNull(source.get(), "the source's iterator is null");
        } catch (RuntimeException | Error e) {
            closeAfter(e);
            throw e;
        }
    }

    private TaskResult<R> nextReady() {
        if (options.ordered()) {
            Slot<R> slot = waiting.get(delivered);
            if (slot == null || slot.result == null) {
                return null;
            }
            waiting.remove(delivered);
            delivered++;
            return slot.result;
        }
        TaskResult<R> result = ready.poll();
        if (result != null) {
            delivered++;
        }
        return result;
    }

    /** Reads the next element, if any, and starts its task (Elixir: the {@code next.({:cont, []})} clause). */
    private void pull() {
        E element;
        try {
            if (!input.hasNext()) {
                sourceDone = true;
                closeSource.run();
                return;
            }
            element = input.next();
        } catch (RuntimeException | Error e) {
            closeAfter(e);
            throw e;
        }
        long position = spawned;
        Jarl.send(monitor, new Spawn(tag, position));
        Object answer = Jarl.receive(m -> switch (m) {
            case SpawnedTask s when s.tag().equals(tag) && s.position() == position -> s;
            case MaxChildren mc when mc.tag().equals(tag) -> mc;
            case Down d when d.ref().equals(monitorRef) -> d;
            default -> Jarl.skip();
        });
        switch (answer) {
            case SpawnedTask s -> {
                Callable<R> call = () -> fn.apply(element);
                Jarl.send(s.pid(), new Supervised.Go(consumer, new Supervised.ToStream(consumer, tag, position), call));
                waiting.put(position, new Slot<>(options.zipInputOnExit() ? Optional.ofNullable(element) : Optional.empty()));
                spawned++;
                free--;
            }
            case MaxChildren mc -> {
                close();
                throw new IllegalStateException(MAX_CHILDREN);
            }
            case Down d -> throw monitorDied(d);
            default -> throw new IllegalStateException("unreachable: " + answer);
        }
    }

    /** Takes one reply or task end of the run (Elixir: the receive of {@code stream_reduce/7}). */
    @SuppressWarnings("unchecked")
    private void awaitEvent() {
        Object event = Jarl.receive(m -> switch (m) {
            case StreamReply r when r.tag().equals(tag) -> r;
            case TaskDown d when d.tag().equals(tag) -> d;
            case Down d when d.ref().equals(monitorRef) -> d;
            default -> Jarl.skip();
        });
        switch (event) {
            case StreamReply r -> {
                Slot<R> slot = waiting.get(r.position());
                if (slot != null) {
                    slot.reply = TaskResult.ok((R) r.value());
                }
            }
            case TaskDown d -> {
                Slot<R> slot = waiting.get(d.position());
                if (slot == null) {
                    return;
                }
                TaskResult<R> result;
                if (slot.reply != null) {
                    result = slot.reply; // it replied: how it ended afterwards does not matter
                } else if (!d.timedOut()) {
                    result = exited(d.reason(), slot);
                } else if (options.onTimeout() == AsyncStreamOptions.OnTimeout.EXIT) {
                    close();
                    throw new ExitException(ExitReason.timeout(), context());
                } else {
                    result = exited(ExitReason.timeout(), slot);
                }
                free++;
                if (options.ordered()) {
                    slot.result = result;
                } else {
                    waiting.remove(d.position());
                    ready.add(result);
                }
            }
            case Down d -> throw monitorDied(d);
            default -> throw new IllegalStateException("unreachable: " + event);
        }
    }

    private TaskResult<R> exited(ExitReason reason, Slot<R> slot) {
        return new TaskResult.Exited<>(reason, slot.input);
    }

    /** The monitor died under us (it was killed, or a supervised start failed in it). */
    private ExitException monitorDied(Down d) {
        closed = true;
        cleanupInbox();
        closeSource.run();
        return new ExitException(d.reason(), context());
    }

    private String context() {
        return what + "(timeout " + options.timeout() + ")";
    }

    /** Stops the run: the monitor kills the tasks still running; their messages are dropped. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (monitor != null) {
                stopMonitor();
            }
        } finally {
            closeSource.run();
        }
    }

    private void closeAfter(Throwable failure) {
        try {
            close();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    private void stopMonitor() {
        if (!Jarl.inProcess() || !Jarl.self().equals(consumer)) {
            // Only the consumer can wait for the monitor; from elsewhere, ask it to stop and go.
            Jarl.send(monitor, new Stop(tag));
            return;
        }
        Jarl.send(monitor, new Stop(tag));
        Down down = Jarl.receive(m -> m instanceof Down d && d.ref().equals(monitorRef) ? d : Jarl.<Down>skip());
        cleanupInbox();
        if (!(down.reason() instanceof ExitReason.Normal)) {
            throw new ExitException(down.reason(), context());
        }
    }

    /** Drops the run's messages still queued, and the monitor's Exit (Elixir: stream_cleanup_inbox/2). */
    private void cleanupInbox() {
        Jarl.receive(m -> m instanceof Exit e && e.from().equals(monitor) ? e : Jarl.<Exit>skip(), Duration.ZERO);
        while (Jarl.receive(m -> switch (m) {
            case StreamReply r when r.tag().equals(tag) -> r;
            case TaskDown d when d.tag().equals(tag) -> d;
            case SpawnedTask s when s.tag().equals(tag) -> s;
            case MaxChildren mc when mc.tag().equals(tag) -> mc;
            default -> Jarl.skip();
        }, Duration.ZERO).isPresent()) {
            // dropped
        }
    }

    @Override
    public Spliterator<TaskResult<R>> trySplit() {
        return null;
    }

    @Override
    public long estimateSize() {
        return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
        return NONNULL | (options.ordered() ? ORDERED : 0);
    }

    // ------------------------------------------------------------------ the monitor process

    /** A task of the run, in the monitor. */
    private static final class Running {
        final long position;
        final Pid pid;
        final boolean linked;
        final Ref timer;
        boolean timedOut;

        Running(long position, Pid pid, boolean linked, Ref timer) {
            this.position = position;
            this.pid = pid;
            this.linked = linked;
            this.timer = timer;
        }
    }

    /** The monitor's body (Elixir: stream_monitor/4 and stream_monitor_loop/2). */
    private static void monitorLoop(Pid consumer, Ref tag, Spawner spawner, Duration timeout) {
        Ref consumerRef = Jarl.monitor(consumer);
        boolean timed = Supervised.nanos(timeout) < Long.MAX_VALUE / 4;
        Map<Ref, Running> running = new HashMap<>();
        for (;;) {
            Object m = Jarl.receive();
            switch (m) {
                case Spawn s when s.tag().equals(tag) -> {
                    Optional<Started> started = spawner.spawn(consumer);
                    if (started.isEmpty()) {
                        Jarl.send(consumer, new MaxChildren(tag));
                        waitForStop(tag, consumerRef, running);
                        return;
                    }
                    Pid pid = started.get().pid();
                    Ref ref = Jarl.monitor(pid);
                    Ref timer = timed ? Jarl.sendAfter(Jarl.self(), new TimedOut(tag, ref), timeout) : null;
                    Jarl.send(consumer, new SpawnedTask(tag, s.position(), pid));
                    running.put(ref, new Running(s.position(), pid, started.get().linked(), timer));
                }
                case Down d when running.containsKey(d.ref()) -> {
                    Running task = running.remove(d.ref());
                    if (task.timer != null) {
                        Jarl.cancelTimer(task.timer);
                    }
                    Jarl.send(consumer, new TaskDown(tag, task.position, d.reason(), task.timedOut));
                }
                case TimedOut t when t.tag().equals(tag) -> {
                    Running task = running.get(t.monitor());
                    if (task != null && !task.timedOut) {
                        Supervised.unlinkAndExit(task.pid, ExitReason.kill());
                        task.timedOut = true;
                    }
                }
                case Exit e -> {
                    // trapping like the consumer: a task's failure reaches the consumer as a TaskDown
                }
                default -> {
                    if (stopOrConsumerDown(m, tag, consumerRef, running)) {
                        return;
                    }
                }
            }
        }
    }

    /** After a supervisor said max children: only a stop or the consumer's death matter now. */
    private static void waitForStop(Ref tag, Ref consumerRef, Map<Ref, Running> running) {
        for (;;) {
            if (stopOrConsumerDown(Jarl.receive(), tag, consumerRef, running)) {
                return;
            }
        }
    }

    /** Elixir's handle_stop_or_parent_down/3; true: the monitor ends. */
    private static boolean stopOrConsumerDown(Object m, Ref tag, Ref consumerRef, Map<Ref, Running> running) {
        if (m instanceof Stop s && s.tag().equals(tag)) {
            Jarl.trapExit(true); // its linked tasks die killed; it must outlive them
            for (Running task : running.values()) {
                Jarl.exit(task.pid, ExitReason.kill());
            }
            for (Ref ref : running.keySet()) {
                Jarl.receive(x -> x instanceof Down d && d.ref().equals(ref) ? d : Jarl.<Down>skip());
            }
            return true;
        }
        if (m instanceof Down d && d.ref().equals(consumerRef)) {
            ExitReason reason = d.reason() instanceof ExitReason.Normal ? ExitReason.shutdown() : d.reason();
            for (Running task : running.values()) {
                if (task.linked) {
                    Jarl.exit(task.pid, reason);
                }
            }
            return true;
        }
        return false;
    }
}
