package io.jarl.task;

import io.jarl.supervisor.Shutdown;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Task#asyncStream} and {@link TaskSupervisor#asyncStream} run their tasks (Elixir: the
 * options of {@code Task.async_stream/3}).
 *
 * <p>Build with {@link #defaults()} and change what differs:
 * {@code AsyncStreamOptions.defaults().withMaxConcurrency(8).withOrdered(false)}. Bad values throw
 * {@link IllegalArgumentException} with Elixir's messages.
 *
 * @param maxConcurrency how many tasks run at once; default the number of processors (Elixir:
 *                       {@code System.schedulers_online/0})
 * @param ordered        emit the results in the order of the input (default); {@code false} emits each
 *                       as soon as its task ends, without buffering
 * @param timeout        how long each task may run, from its start (default 5 s); {@link Task#INFINITY}
 *                       for no limit
 * @param onTimeout      what a task that runs out of time does to the stream (default
 *                       {@link OnTimeout#EXIT})
 * @param zipInputOnExit whether an {@link TaskResult.Exited} element carries the input element that
 *                       was being processed (Elixir: {@code zip_input_on_exit}); default {@code false}
 * @param shutdown       how a {@link TaskSupervisor} terminates the tasks when it stops (default 5 s;
 *                       brutal kill or a timeout, not infinity); ignored by {@link Task#asyncStream}
 */
public record AsyncStreamOptions(int maxConcurrency, boolean ordered, Duration timeout, OnTimeout onTimeout,
        boolean zipInputOnExit, Shutdown shutdown) {

    /** What a task that runs out of time does to the stream (Elixir: {@code :on_timeout}). */
    public enum OnTimeout {
        /** The consumer exits with {@code timeout} (after the stream's tasks are shut down). */
        EXIT,
        /** The task is killed and the stream emits {@code TaskResult.exit(timeout)} in its place. */
        KILL_TASK
    }

    public AsyncStreamOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(onTimeout, "onTimeout");
        Objects.requireNonNull(shutdown, "shutdown");
        if (maxConcurrency <= 0) {
            throw new IllegalArgumentException("maxConcurrency must be an integer greater than zero");
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be either a positive duration or Task.INFINITY");
        }
        if (shutdown instanceof Shutdown.Infinity) {
            throw new IllegalArgumentException("shutdown must be either a timeout or brutal kill");
        }
    }

    /** Default concurrency (the number of processors), ordered, 5 s per task, exit on timeout. */
    public static AsyncStreamOptions defaults() {
        return new AsyncStreamOptions(Runtime.getRuntime().availableProcessors(), true, Task.DEFAULT_TIMEOUT,
                OnTimeout.EXIT, false, Shutdown.DEFAULT_WORKER);
    }

    public AsyncStreamOptions withMaxConcurrency(int maxConcurrency) {
        return new AsyncStreamOptions(maxConcurrency, ordered, timeout, onTimeout, zipInputOnExit, shutdown);
    }

    public AsyncStreamOptions withOrdered(boolean ordered) {
        return new AsyncStreamOptions(maxConcurrency, ordered, timeout, onTimeout, zipInputOnExit, shutdown);
    }

    public AsyncStreamOptions withTimeout(Duration timeout) {
        return new AsyncStreamOptions(maxConcurrency, ordered, timeout, onTimeout, zipInputOnExit, shutdown);
    }

    public AsyncStreamOptions withOnTimeout(OnTimeout onTimeout) {
        return new AsyncStreamOptions(maxConcurrency, ordered, timeout, onTimeout, zipInputOnExit, shutdown);
    }

    public AsyncStreamOptions withZipInputOnExit(boolean zipInputOnExit) {
        return new AsyncStreamOptions(maxConcurrency, ordered, timeout, onTimeout, zipInputOnExit, shutdown);
    }

    public AsyncStreamOptions withShutdown(Shutdown shutdown) {
        return new AsyncStreamOptions(maxConcurrency, ordered, timeout, onTimeout, zipInputOnExit, shutdown);
    }
}
