package io.jarl.statem;

import io.jarl.ExitReason;
import java.util.List;
import java.util.Objects;

/**
 * What {@link GenStateMachine#init()} returns (OTP: {@code gen_statem:init_result()}:
 * {@code {ok, State, Data} | {ok, State, Data, Actions} | ignore | {stop, Reason} | {error, Reason}}).
 *
 * @param <S> the state
 * @param <D> the data
 */
public sealed interface Init<S, D> {

    /**
     * Start in {@code state} with {@code data}, then carry out {@code actions} as if an event had
     * returned them: inserted events and timeouts are allowed, postponing is ignored. With state
     * enter calls on, the first state's enter call follows, with the state itself as the previous state.
     */
    record Ok<S, D>(S state, D data, List<Action> actions) implements Init<S, D> {
        public Ok {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(data, "data");
            actions = List.copyOf(actions);
        }
    }

    /** Do not start: {@code start} returns {@link io.jarl.server.StartResult.Ignored} and the process exits normal. */
    record Ignore<S, D>() implements Init<S, D> {}

    /**
     * Fail to start: {@code start} returns {@link io.jarl.server.StartResult.Failed} with {@code reason},
     * and the process exits with it (a crash report if abnormal).
     */
    record Stop<S, D>(ExitReason reason) implements Init<S, D> {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Fail to start quietly (OTP 26: {@code {error, Reason}}): {@code start} returns
     * {@link io.jarl.server.StartResult.Failed} with {@code reason}, the process exits normal and
     * nothing is logged.
     */
    record Error<S, D>(ExitReason reason) implements Init<S, D> {
        public Error {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <S, D> Init<S, D> ok(S state, D data, Action... actions) {
        return new Ok<>(state, data, List.of(actions));
    }

    static <S, D> Init<S, D> ok(S state, D data, List<? extends Action> actions) {
        return new Ok<>(state, data, List.copyOf(actions));
    }

    static <S, D> Init<S, D> ignore() {
        return new Ignore<>();
    }

    static <S, D> Init<S, D> stop(ExitReason reason) {
        return new Stop<>(reason);
    }

    static <S, D> Init<S, D> error(ExitReason reason) {
        return new Error<>(reason);
    }
}
