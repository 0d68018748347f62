package io.jarl.event;

/**
 * What {@link EventHandler#init} returns (OTP: {@code {ok, State} | {ok, State, hibernate} |
 * {error, Reason}}).
 *
 * @param <S> the handler's state
 */
public sealed interface HandlerInit<S> {

    /**
     * Install the handler with {@code state}.
     *
     * @param hibernate OTP's {@code hibernate}: accepted, and it changes nothing (see
     *                  {@link HandlerResult.Ok#hibernate()})
     */
    record Ok<S>(S state, boolean hibernate) implements HandlerInit<S> {}

    /** Refuse: the handler is not installed and the adder gets {@link AddResult.Error} with {@code reason}. */
    record Error<S>(Object reason) implements HandlerInit<S> {
        public Error {
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    static <S> HandlerInit<S> ok(S state) {
        return new Ok<>(state, false);
    }

    /** {@link #ok(Object)}, asking the manager to hibernate (a no-op on the JVM). */
    static <S> HandlerInit<S> okHibernate(S state) {
        return new Ok<>(state, true);
    }

    static <S> HandlerInit<S> error(Object reason) {
        return new Error<>(reason);
    }
}
