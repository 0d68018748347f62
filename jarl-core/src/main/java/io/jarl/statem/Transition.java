package io.jarl.statem;

import io.jarl.ExitReason;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a state callback returns: the next state and data, and the {@link Action}s to carry out
 * (OTP: {@code gen_statem:event_handler_result()} and {@code state_enter_result()}).
 *
 * <table>
 *   <caption>Results and their OTP spelling</caption>
 *   <tr><th>Jarl</th><th>OTP</th><th>state enter call</th></tr>
 *   <tr><td>{@code nextState(s, d, actions...)}</td><td>{@code {next_state, S, D, Actions}}</td><td>only to the same state</td></tr>
 *   <tr><td>{@code keepState(d, actions...)}</td><td>{@code {keep_state, D, Actions}}</td><td>yes</td></tr>
 *   <tr><td>{@code keepStateAndData(actions...)}</td><td>{@code {keep_state_and_data, Actions}}</td><td>yes</td></tr>
 *   <tr><td>{@code repeatState(d, actions...)}</td><td>{@code {repeat_state, D, Actions}}</td><td>yes: the enter call is made again</td></tr>
 *   <tr><td>{@code repeatStateAndData(actions...)}</td><td>{@code {repeat_state_and_data, Actions}}</td><td>yes</td></tr>
 *   <tr><td>{@code stop()}, {@code stop(reason)}, {@code stop(reason, d)}</td><td>{@code stop}, {@code {stop, R}}, {@code {stop, R, D}}</td><td>yes</td></tr>
 *   <tr><td>{@code stopAndReply(reason, replies...)}</td><td>{@code {stop_and_reply, R, Replies}}</td><td>yes</td></tr>
 * </table>
 *
 * <p>A state changes when the next state is not {@code equals} to the current one: then the state
 * timeout is cancelled, the postponed events are retried and, with {@link CallbackMode#stateEnter()},
 * the new state's enter call is made. {@code nextState} to the current state is {@code keepState};
 * {@code repeatState} keeps the state but makes the enter call again (the state does not count as
 * changed: postponed events stay postponed and the state timeout runs on).
 *
 * <p>States and data must not be {@code null} (OTP has no null; use an empty record, collection or
 * {@link Optional}): the factories throw {@link NullPointerException}.
 *
 * @param <S> the state
 * @param <D> the data
 */
public sealed interface Transition<S, D> {

    /** Go to {@code state} (perhaps the same one) with {@code data}. */
    record NextState<S, D>(S state, D data, List<Action> actions) implements Transition<S, D> {
        public NextState {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(data, "data");
            actions = List.copyOf(actions);
        }
    }

    /** Stay in the state with new {@code data}. */
    record KeepState<S, D>(D data, List<Action> actions) implements Transition<S, D> {
        public KeepState {
            Objects.requireNonNull(data, "data");
            actions = List.copyOf(actions);
        }
    }

    /** Stay in the state, keep the data. */
    record KeepStateAndData<S, D>(List<Action> actions) implements Transition<S, D> {
        public KeepStateAndData {
            actions = List.copyOf(actions);
        }
    }

    /** Stay in the state with new {@code data}, and make its enter call again. */
    record RepeatState<S, D>(D data, List<Action> actions) implements Transition<S, D> {
        public RepeatState {
            Objects.requireNonNull(data, "data");
            actions = List.copyOf(actions);
        }
    }

    /** Stay in the state, keep the data, and make its enter call again. */
    record RepeatStateAndData<S, D>(List<Action> actions) implements Transition<S, D> {
        public RepeatStateAndData {
            actions = List.copyOf(actions);
        }
    }

    /** Stop with {@code reason}; {@code terminate} sees {@code data} if present, the current data otherwise. */
    record Stop<S, D>(ExitReason reason, Optional<D> data) implements Transition<S, D> {
        public Stop {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(data, "data");
        }
    }

    /** Send {@code replies}, then stop with {@code reason} (replies go before {@code terminate} runs). */
    record StopAndReply<S, D>(ExitReason reason, List<Action.Reply> replies, Optional<D> data)
            implements Transition<S, D> {
        public StopAndReply {
            Objects.requireNonNull(reason, "reason");
            replies = List.copyOf(replies);
            Objects.requireNonNull(data, "data");
        }
    }

    // ------------------------------------------------------------------ factories

    static <S, D> Transition<S, D> nextState(S state, D data, Action... actions) {
        return new NextState<>(state, data, List.of(actions));
    }

    static <S, D> Transition<S, D> nextState(S state, D data, List<? extends Action> actions) {
        return new NextState<>(state, data, List.copyOf(actions));
    }

    static <S, D> Transition<S, D> keepState(D data, Action... actions) {
        return new KeepState<>(data, List.of(actions));
    }

    static <S, D> Transition<S, D> keepState(D data, List<? extends Action> actions) {
        return new KeepState<>(data, List.copyOf(actions));
    }

    static <S, D> Transition<S, D> keepStateAndData(Action... actions) {
        return new KeepStateAndData<>(List.of(actions));
    }

    static <S, D> Transition<S, D> keepStateAndData(List<? extends Action> actions) {
        return new KeepStateAndData<>(List.copyOf(actions));
    }

    static <S, D> Transition<S, D> repeatState(D data, Action... actions) {
        return new RepeatState<>(data, List.of(actions));
    }

    static <S, D> Transition<S, D> repeatState(D data, List<? extends Action> actions) {
        return new RepeatState<>(data, List.copyOf(actions));
    }

    static <S, D> Transition<S, D> repeatStateAndData(Action... actions) {
        return new RepeatStateAndData<>(List.of(actions));
    }

    static <S, D> Transition<S, D> repeatStateAndData(List<? extends Action> actions) {
        return new RepeatStateAndData<>(List.copyOf(actions));
    }

    /** Stop normal (OTP: {@code stop}). */
    static <S, D> Transition<S, D> stop() {
        return new Stop<>(ExitReason.normal(), Optional.empty());
    }

    static <S, D> Transition<S, D> stop(ExitReason reason) {
        return new Stop<>(reason, Optional.empty());
    }

    static <S, D> Transition<S, D> stop(ExitReason reason, D data) {
        return new Stop<>(reason, Optional.of(data));
    }

    static <S, D> Transition<S, D> stopAndReply(ExitReason reason, Action.Reply... replies) {
        return new StopAndReply<>(reason, List.of(replies), Optional.empty());
    }

    static <S, D> Transition<S, D> stopAndReply(ExitReason reason, List<Action.Reply> replies, D data) {
        return new StopAndReply<>(reason, replies, Optional.of(data));
    }
}
