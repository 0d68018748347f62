package io.jarl.task;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.Ref;
import io.jarl.SpawnOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/*
 * Implementation overview.
 *
 * The body of every task process, as Elixir's Task.Supervised:
 * - replying(): a task that must answer (async, async_nolink, async_stream). It is spawned first and
 *   then waits for a Go message from its owner carrying the function and where to reply, because the
 *   reply must be tagged with the owner's monitor of the task, which exists only once the task's pid
 *   does (Elixir: Task.Supervised.reply/4 waiting for {owner, ref, reply_to, callers, mfa}). A task
 *   started by a supervisor also monitors its owner while it waits: if the owner dies first, or sends
 *   nothing within 5 s, the task exits (Elixir: {shutdown, reason} and timeout).
 * - invoke(): runs the function. An exit with normal, shutdown or {shutdown, _} passes through
 *   silently; anything else becomes an ExitException whose message is the task's termination report
 *   (pid, owner, function). The runtime logs that exception once, as the crash report of the
 *   process, so the report is not written twice (Elixir logs it from invoke_mfa; the BEAM does not
 *   log plain processes).
 * - unlinkAndExit(): unlink then exit, with an enforcer process that sends the exit anyway if the
 *   caller dies between the two (Elixir: shutdown_send/2 and unlink_and_kill/1): once unlinked, the
 *   task would otherwise outlive a caller killed at that instant.
 */
final class Supervised {
    /** How long a supervised task waits for its owner's Go (Elixir: {@code @ref_timeout}). */
    static final Duration OWNER_TIMEOUT = Duration.ofSeconds(5);
    static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private Supervised() {}

    /** The owner's go-ahead: run {@code fn} and reply to {@code replyTo}. */
    record Go(Pid owner, ReplyTo replyTo, Callable<?> fn) {}

    /** Where a task's result goes. */
    sealed interface ReplyTo {
        void reply(Object value);
    }

    /** To the owner of a {@link Task}: {@code Reply(ref, value)} sent to the owner's alias for the task. */
    record ToTask(Ref alias, Ref ref) implements ReplyTo {
        @Override
        public void reply(Object value) {
            Jarl.send(alias, new Task.Reply(ref, value));
        }
    }

    /** To the consumer of an async stream, tagged with the stream's run and the element's position. */
    record ToStream(Pid consumer, Ref tag, long position) implements ReplyTo {
        @Override
        public void reply(Object value) {
            Jarl.send(consumer, new AsyncStream.StreamReply(tag, position, value));
        }
    }

    /**
     * The body of a task that waits for its {@link Go} from {@code owner}, runs the function and
     * replies. With {@code monitorOwner} (a task started by a supervisor, not linked to its owner at
     * birth) it gives up when the owner dies or is silent for {@link #OWNER_TIMEOUT}.
     */
    static Runnable replying(Pid owner, boolean monitorOwner, String function) {
        return () -> {
            Pid self = Jarl.self();
            Go go;
            if (monitorOwner) {
                Ref watch = Jarl.monitor(owner);
                // Not a receive since watch: the Go may have come before this process ran at all.
                Object first = Jarl.receive(m -> m instanceof Go g && g.owner().equals(owner) ? g
                        : m instanceof Down d && d.ref().equals(watch) ? d : Jarl.skip(), OWNER_TIMEOUT).orElse(null);
                switch (first) {
                    case Go g -> go = g;
                    case Down d -> throw new ExitException(ExitReason.shutdown(d.reason()),
                            "task " + self + " lost its owner " + owner + " before it started");
                    case null -> throw new ExitException(ExitReason.timeout(),
                            "task " + self + " got nothing from its owner " + owner + " within " + OWNER_TIMEOUT);
                    default -> throw new IllegalStateException("unreachable: " + first);
                }
                Jarl.demonitor(watch, true);
            } else {
                go = Jarl.receive(m -> m instanceof Go g && g.owner().equals(owner) ? g : Jarl.<Go>skip());
            }
            go.replyTo().reply(invoke(self, owner, go.fn(), function));
        };
    }

    /** The body of a task that runs {@code fn} and replies to nobody (Elixir: {@code Task.Supervised.noreply/4}). */
    static Runnable noReply(Object owner, Runnable fn, String function) {
        return () -> invoke(Jarl.self(), owner, () -> {
            fn.run();
            return null;
        }, function);
    }

    /**
     * Runs a task's function (Elixir: {@code invoke_mfa/2}). A failure becomes the task's exit reason,
     * carried by an exception whose message is the termination report.
     */
    static Object invoke(Pid self, Object owner, Callable<?> fn, String function) {
        try {
            return fn.call();
        } catch (ProcessExitedError e) {
            throw e; // killed: the runtime has already told everyone
        } catch (ExitException e) {
            if (!e.reason().isAbnormal()) {
                throw e; // normal, shutdown, {shutdown, _}: silent, as in Elixir
            }
            ExitException report = terminating(self, owner, function, e.reason());
            if (!(e.reason() instanceof ExitReason.Crash)) {
                report.addSuppressed(e); // where the exit was raised
            }
            throw report;
        } catch (Throwable t) {
            throw terminating(self, owner, function, ExitReason.crash(t));
        }
    }

    /** Elixir's {@code ** Task <pid> terminating ** Started from <owner> ** When function == ...}. */
    private static ExitException terminating(Pid self, Object owner, String function, ExitReason reason) {
        return new ExitException(reason, "Task " + self + " started from " + owner + " terminating; function "
                + function);
    }

    /** Spawn options of a task process: its initial call is its function. */
    static SpawnOptions spawnOptions(String function, boolean link) {
        SpawnOptions options = SpawnOptions.defaults().initialCall(function);
        return link ? options.link() : options;
    }

    /** Unlinks {@code pid} and sends it {@code reason}; an enforcer sends it anyway if the caller dies in between. */
    static void unlinkAndExit(Pid pid, ExitReason reason) {
        Pid caller = Jarl.self();
        Ref done = Jarl.makeRef();
        Pid enforcer = Jarl.spawn(SpawnOptions.defaults().initialCall("Task.Supervised.enforcer/0"), () -> {
            Ref watch = Jarl.monitor(caller);
            Object m = Jarl.receive(x -> x.equals(done) ? x : x instanceof Down d && d.ref().equals(watch) ? d
                    : Jarl.skip());
            if (m instanceof Down) {
                Jarl.exit(pid, reason);
            }
        });
        Jarl.unlink(pid);
        Jarl.exit(pid, reason);
        Jarl.send(enforcer, done);
    }

    /** Erlang-like name of a function object: {@code pkg.Class$lambda/arity}. */
    static String describe(Object fn, int arity) {
        String[] names = NAMES.get(fn.getClass());
        return arity < names.length ? names[arity] : names[0].substring(0, names[0].length() - 1) + arity;
    }

    /** A function's class described once (a task per call would otherwise build the string each time). */
    private static final ClassValue<String[]> NAMES = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            String name = type.getName();
            int lambda = name.indexOf("$$Lambda");
            String base = lambda > 0 ? name.substring(0, lambda) + "$lambda" : name;
            return new String[] {base + "/0", base + "/1"};
        }
    };

    /** The calling process, or a clear failure naming {@code what} and the way out. */
    static Pid requireProcess(String what) {
        return requireProcessBecause(what + " must be called from a process, which owns the task and receives its"
                + " reply");
    }

    /** The calling process, or a failure that says {@code why} one is needed and how to get one. */
    static Pid requireProcessBecause(String why) {
        if (!Jarl.inProcess()) {
            throw new NotAProcessException(why + "; thread " + Thread.currentThread().getName() + " is not one (spawn"
                    + " a process, use Jarl.attach() or Jarl.run(), or Task.asFuture from a plain thread)");
        }
        return Jarl.self();
    }

    /** Who started a task, for its report: the calling process, or the plain thread. */
    static Object starter() {
        return Jarl.inProcess() ? Jarl.self() : "thread " + Thread.currentThread().getName();
    }

    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;
        }
    }
}
