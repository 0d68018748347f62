package io.jarl.server;

import io.jarl.ExitReason;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GenServer#init()} returns (OTP: {@code {ok, State} | {ok, State, Action} | ignore |
 * {stop, Reason}}).
 *
 * @param <S> the server's state
 */
public sealed interface Init<S> {

    /** Start with {@code state}, then do {@code next} if present. */
    record Ok<S>(S state, Optional<Next> next) implements Init<S> {
        public Ok {
            Objects.requireNonNull(next, "next");
        }
    }

    /** Do not start: {@code start} returns {@link StartResult.Ignored} and the process exits normal. */
    record Ignore<S>() implements Init<S> {}

    /** Fail to start: {@code start} returns {@link StartResult.Failed} and the process exits with {@code reason}. */
    record Stop<S>(ExitReason reason) implements Init<S> {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <S> Init<S> ok(S state) {
        return new Ok<>(state, Optional.empty());
    }

    static <S> Init<S> ok(S state, Next next) {
        return new Ok<>(state, Optional.of(next));
    }

    static <S> Init<S> ignore() {
        return new Ignore<>();
    }

    static <S> Init<S> stop(ExitReason reason) {
        return new Stop<>(reason);
    }
}
