package io.jarl.server;

import io.jarl.ExitReason;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GenServer#handleCall} returns (OTP: {@code {reply, Reply, State [, Action]} |
 * {noreply, State [, Action]} | {stop, Reason, Reply, State} | {stop, Reason, State}}).
 *
 * <p>A {@link Result} ({@code noReply} or {@code stop}) is also a call result: the server then
 * answers later with {@link GenServer#reply(From, Object)}, or never.
 *
 * @param <S> the server's state
 */
public sealed interface CallResult<S> permits CallResult.Reply, CallResult.StopReply, Result.NoReply, Result.Stop {

    /** Answer the caller with {@code reply} and go on with {@code state}. */
    record Reply<S>(Object reply, S state, Optional<Next> next) implements CallResult<S> {
        public Reply {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(next, "next");
        }
    }

    /** Answer the caller with {@code reply}, then stop with {@code reason} (after {@code terminate}). */
    record StopReply<S>(ExitReason reason, Object reply, S state) implements CallResult<S> {
        public StopReply {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(reply, "reply");
        }
    }

    static <S> CallResult<S> reply(Object reply, S state) {
        return new Reply<>(reply, state, Optional.empty());
    }

    static <S> CallResult<S> reply(Object reply, S state, Next next) {
        return new Reply<>(reply, state, Optional.of(next));
    }

    static <S> CallResult<S> noReply(S state) {
        return Result.noReply(state);
    }

    static <S> CallResult<S> noReply(S state, Next next) {
        return Result.noReply(state, next);
    }

    static <S> CallResult<S> stop(ExitReason reason, Object reply, S state) {
        return new StopReply<>(reason, reply, state);
    }

    static <S> CallResult<S> stop(ExitReason reason, S state) {
        return Result.stop(reason, state);
    }
}
