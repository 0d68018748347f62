package io.jarl.task;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Task#yieldMany(java.util.List, YieldManyOptions)} waits (Elixir: the options of
 * {@code Task.yield_many/2}).
 *
 * @param limit     return as soon as this many tasks have replied or exited, without applying
 *                  {@code onTimeout}; {@link Integer#MAX_VALUE} (the default) waits for all of them
 * @param timeout   how long to wait for all of them together (default 5 s; {@link Task#INFINITY})
 * @param onTimeout what to do with the tasks that have neither replied nor exited when the time is up
 */
public record YieldManyOptions(int limit, Duration timeout, OnTimeout onTimeout) {

    /** What happens to the tasks still running at the timeout (Elixir: {@code :on_timeout}). */
    public enum OnTimeout {
        /** Nothing: they can still be yielded, awaited, ignored or shut down (the default). */
        NOTHING,
        /** They are {@linkplain Task#ignore ignored}: they run on, unlinked, and their result is dropped. */
        IGNORE,
        /** They are {@linkplain Task#shutdown shut down} with brutal kill. */
        KILL_TASK
    }

    public YieldManyOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(onTimeout, "onTimeout");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be an integer greater than zero: " + limit);
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
    }

    /** All tasks, 5 s, nothing done at the timeout. */
    public static YieldManyOptions defaults() {
        return new YieldManyOptions(Integer.MAX_VALUE, Task.DEFAULT_TIMEOUT, OnTimeout.NOTHING);
    }

    public YieldManyOptions withLimit(int limit) {
        return new YieldManyOptions(limit, timeout, onTimeout);
    }

    public YieldManyOptions withTimeout(Duration timeout) {
        return new YieldManyOptions(limit, timeout, onTimeout);
    }

    public YieldManyOptions withOnTimeout(OnTimeout onTimeout) {
        return new YieldManyOptions(limit, timeout, onTimeout);
    }
}
