package io.jarl.server;

import io.jarl.ExitReason;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GenServer#handleCast}, {@link GenServer#handleInfo} and {@link GenServer#handleContinue}
 * return (OTP: {@code {noreply, State [, Action]} | {stop, Reason, State}}).
 *
 * @param <S> the server's state
 */
public sealed interface Result<S> permits Result.NoReply, Result.Stop {

    /** Go on with {@code state}, then do {@code next} if present. */
    record NoReply<S>(S state, Optional<Next> next) implements Result<S>, CallResult<S> {
        public NoReply {
            Objects.requireNonNull(next, "next");
        }
    }

    /** Stop with {@code reason}, after {@code terminate(reason, state)}. */
    record Stop<S>(ExitReason reason, S state) implements Result<S>, CallResult<S> {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <S> Result.NoReply<S> noReply(S state) {
        return new NoReply<>(state, Optional.empty());
    }

    static <S> Result.NoReply<S> noReply(S state, Next next) {
        return new NoReply<>(state, Optional.of(next));
    }

    static <S> Result.Stop<S> stop(ExitReason reason, S state) {
        return new Stop<>(reason, state);
    }
}
