package io.jarl.event;

import io.jarl.Jarl;

/**
 * A handler installed in an event manager: it keeps a state and is called for every event the
 * manager receives (OTP: a {@code gen_event} callback module; Elixir: a {@code GenEvent} handler).
 *
 * <p>All callbacks run in the manager's process, one at a time, for each handler in turn. A callback
 * that throws (or returns {@code null}) does not stop the manager: the handler alone is removed,
 * its {@link #terminate} runs with {@link Removal.Error}, the crash is logged once, and the process
 * that added it with {@link GenEvent#addSupHandler} is sent a {@link GenEventExit}. See {@link GenEvent}
 * for an example and the whole protocol.
 *
 * <p>One handler object may be installed more than once (with different ids, or in different
 * managers): keep what changes in the state {@code S}, not in fields.
 *
 * @param <S> the handler's state
 * @param <E> the events it handles. Every handler of a manager receives every event sent to it; an
 *            event that is not an {@code E} makes {@link #handleEvent} fail with
 *            {@link ClassCastException} and the handler is removed, as an Erlang handler without a
 *            matching clause is. Give a manager's handlers a common event type (best a sealed
 *            interface), or declare {@code E} as {@code Object}.
 */
public interface EventHandler<S, E> {

    /**
     * Makes the handler's first state, in the manager, while the adding process waits
     * (OTP: {@code init/1}).
     *
     * @param args the {@code args} of {@link GenEvent#addHandler}; for a handler swapped in, a
     *             {@link SwapArgs} carrying the new handler's {@code args} and what the old
     *             handler's {@link #terminate} returned
     * @return {@link HandlerInit#ok(Object)} to install the handler, {@link HandlerInit#error(Object)}
     *         to refuse (the adder gets {@link AddResult.Error}); throwing refuses too
     *         ({@link AddResult.Crashed})
     */
    HandlerInit<S> init(Object args) throws Exception;

    /**
     * Handles an event sent with {@link GenEvent#notify} or {@link GenEvent#syncNotify}
     * (OTP: {@code handle_event/2}).
     *
     * @return {@link HandlerResult#ok(Object)} to keep going with a new state,
     *         {@link HandlerResult#swap} to replace this handler by another, or
     *         {@link HandlerResult#remove()} to be removed
     */
    HandlerResult<S> handleEvent(E event, S state) throws Exception;

    /**
     * Answers a request sent to this handler alone with {@link GenEvent#call}
     * (OTP: {@code handle_call/2}). The default fails, which removes the handler and gives the caller
     * {@link CallReply.Error}: a handler that is called must say how it answers.
     */
    default HandlerCallResult<S> handleCall(Object request, S state) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " received a call but does not implement"
                + " handleCall: " + request);
    }

    /**
     * Handles any other message the manager receives: plain messages sent to it, {@link io.jarl.Exit}
     * of linked processes (the manager traps exits), {@link io.jarl.Down} of monitors a handler
     * made (OTP: {@code handle_info/2}). Every handler sees every such message. The default logs
     * a warning and keeps the handler, as OTP does when {@code handle_info} is not exported.
     */
    default HandlerResult<S> handleInfo(Object message, S state) throws Exception {
        GenEvent.LOG.warn("GenEvent handler {} in {} does not implement handleInfo; unhandled message: {}",
                getClass().getName(), Jarl.self(), message);
        return HandlerResult.ok(state);
    }

    /**
     * Cleans up when the handler leaves the manager, for any reason (OTP: {@code terminate/2}).
     * Its return value is what {@link GenEvent#deleteHandler} returns, or what the handler swapped in
     * receives in {@link SwapArgs#old()}; otherwise it is dropped.
     *
     * @param arg why: the {@code args} of {@link GenEvent#deleteHandler} or of a swap, or a
     *            {@link Removal} when the manager removes the handler itself ({@link Removal.Stop}: the
     *            manager is stopping; {@link Removal.OwnerExited}: the process that added it with
     *            {@link GenEvent#addSupHandler} ended; {@link Removal.RemoveHandler}: a callback returned
     *            remove; {@link Removal.Error}: a callback failed)
     * @return any value but {@code null}; the default returns {@link GenEvent#OK}
     */
    default Object terminate(Object arg, S state) throws Exception {
        return GenEvent.OK;
    }

    /**
     * What {@link io.jarl.server.Sys#getStatus} and the crash report of this handler show of its
     * state (OTP: {@code format_status/1}), e.g. with secrets removed. The default shows it as it is.
     */
    default Object formatStatus(S state) {
        return state;
    }
}
