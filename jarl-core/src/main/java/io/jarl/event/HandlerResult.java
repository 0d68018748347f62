package io.jarl.event;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EventHandler#handleEvent} and {@link EventHandler#handleInfo} return
 * (OTP: {@code {ok, State} | {ok, State, hibernate} | {swap_handler, Args1, State, Handler2, Args2} |
 * remove_handler}).
 *
 * @param <S> the handler's state
 */
public sealed interface HandlerResult<S> {

    /**
     * Keep the handler, with {@code state}.
     *
     * @param hibernate OTP's {@code hibernate}, which makes the manager discard its stack until the
     *                  next message. Between two messages the manager is a handler process, with
     *                  no thread or stack already: the flag is accepted and changes nothing.
     */
    record Ok<S>(S state, boolean hibernate) implements HandlerResult<S> {}

    /**
     * Replace this handler: its {@link EventHandler#terminate} runs with {@code args1} and
     * {@code state}, then {@code next}'s {@link EventHandler#init} with
     * {@code new SwapArgs(args2, whatTerminateReturned)}. If that init fails, the new handler is not
     * installed (the failure is logged, and reported to the owner of a supervised handler). A
     * supervised handler's owner now supervises the new one.
     *
     * @param nextId the id to install {@code next} with ({@code HandlerId.of(next.getClass(), id)}),
     *               if any
     */
    record Swap<S>(Object args1, S state, EventHandler<?, ?> next, Optional<Object> nextId, Object args2)
            implements HandlerResult<S> {
        public Swap {
            Objects.requireNonNull(args1, "args1");
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(nextId, "nextId");
            Objects.requireNonNull(args2, "args2");
        }
    }

    /** Remove this handler: its {@link EventHandler#terminate} runs with {@link Removal.RemoveHandler}. */
    record Remove<S>() implements HandlerResult<S> {}

    static <S> HandlerResult<S> ok(S state) {
        return new Ok<>(state, false);
    }

    /** {@link #ok(Object)}, asking the manager to hibernate (a no-op on the JVM; see {@link Ok#hibernate()}). */
    static <S> HandlerResult<S> okHibernate(S state) {
        return new Ok<>(state, true);
    }

    /** Swap to {@code next}, installed by its class alone (OTP: {@code {swap_handler, Args1, State, Module2, Args2}}). */
    static <S> HandlerResult<S> swap(Object args1, S state, EventHandler<?, ?> next, Object args2) {
        return new Swap<>(args1, state, next, Optional.empty(), args2);
    }

    /** Swap to {@code next}, installed with {@code nextId} (OTP: {@code Handler2 = {Module2, Id}}). */
    static <S> HandlerResult<S> swap(Object args1, S state, EventHandler<?, ?> next, Object nextId, Object args2) {
        return new Swap<>(args1, state, next, Optional.of(Objects.requireNonNull(nextId, "nextId")), args2);
    }

    static <S> HandlerResult<S> remove() {
        return new Remove<>();
    }
}
