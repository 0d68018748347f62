package io.jarl.task;

import io.jarl.ExitReason;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a task ended, as far as its owner knows (Elixir: {@code {:ok, reply} | {:exit, reason} | nil},
 * what {@code Task.yield/2}, {@code Task.shutdown/2}, {@code Task.ignore/1}, {@code Task.yield_many/2}
 * return and what the streams of {@code Task.async_stream} emit).
 *
 * <p>A {@code switch} over it is checked by the compiler:
 * {@snippet :
 * String text = switch (Task.yield(task, Duration.ofSeconds(1)).or(() -> Task.shutdown(task))) {
 *     case TaskResult.Ok<Integer> ok -> "got " + ok.value();
 *     case TaskResult.Exited<Integer> exited -> "failed: " + exited.reason();
 *     case TaskResult.None<Integer> none -> "no answer in time";
 * };
 * }
 *
 * @param <T> the type of the task's result
 */
public sealed interface TaskResult<T> {

    /**
     * The task replied with {@code value} (Elixir: {@code {:ok, value}}). A task whose function returns
     * {@code null} (a {@code Callable<Void>}) replies {@code null}.
     */
    record Ok<T>(T value) implements TaskResult<T> {}

    /**
     * The task ended with {@code reason} before replying (Elixir: {@code {:exit, reason}}).
     *
     * @param input the element of an {@linkplain Task#asyncStream async stream} whose task ended, when the
     *              stream was made with {@link AsyncStreamOptions#withZipInputOnExit(boolean)} (Elixir:
     *              {@code {:exit, {element, reason}}}); empty otherwise
     */
    record Exited<T>(ExitReason reason, Optional<Object> input) implements TaskResult<T> {
        public Exited {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(input, "input");
        }
    }

    /**
     * No reply and no exit (Elixir: {@code nil}): the task is still running ({@code yield}), or it was
     * shut down or ignored before it replied.
     */
    record None<T>() implements TaskResult<T> {}

    static <T> TaskResult<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> TaskResult<T> exit(ExitReason reason) {
        return new Exited<>(reason, Optional.empty());
    }

    static <T> TaskResult<T> exit(ExitReason reason, Object input) {
        return new Exited<>(reason, Optional.of(Objects.requireNonNull(input, "input")));
    }

    static <T> TaskResult<T> none() {
        return new None<>();
    }

    /** Whether this is {@link None}. */
    default boolean isNone() {
        return this instanceof None;
    }

    /**
     * This result, or when it is {@link None} the one {@code other} gives: Elixir's
     * {@code Task.yield(task, t) || Task.shutdown(task)}.
     */
    default TaskResult<T> or(Supplier<? extends TaskResult<T>> other) {
        Objects.requireNonNull(other, "other");
        return this instanceof None ? Objects.requireNonNull(other.get(), "other returned null") : this;
    }
}
