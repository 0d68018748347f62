package io.jarl.event;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EventHandler#handleCall} returns: a {@link HandlerResult} that also carries the reply
 * (OTP: {@code {ok, Reply, State} | {ok, Reply, State, hibernate} |
 * {swap_handler, Reply, Args1, State, Handler2, Args2} | {remove_handler, Reply}}).
 *
 * <p>The caller gets {@code reply} in {@link CallReply.Reply} in every case, even if the handler swapped
 * in fails to start.
 *
 * @param <S> the handler's state
 */
public sealed interface HandlerCallResult<S> {

    /** Answer {@code reply} and keep the handler with {@code state}; {@code hibernate} changes nothing. */
    record Ok<S>(Object reply, S state, boolean hibernate) implements HandlerCallResult<S> {
        public Ok {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** Answer {@code reply}, then swap as {@link HandlerResult.Swap} does. */
    record Swap<S>(Object reply, Object args1, S state, EventHandler<?, ?> next, Optional<Object> nextId,
                   Object args2) implements HandlerCallResult<S> {
        public Swap {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(args1, "args1");
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(nextId, "nextId");
            Objects.requireNonNull(args2, "args2");
        }
    }

    /** Answer {@code reply}, then remove the handler ({@link EventHandler#terminate} with {@link Removal.RemoveHandler}). */
    record Remove<S>(Object reply) implements HandlerCallResult<S> {
        public Remove {
            Objects.requireNonNull(reply, "reply");
        }
    }

    static <S> HandlerCallResult<S> ok(Object reply, S state) {
        return new Ok<>(reply, state, false);
    }

    /** {@link #ok(Object, Object)}, asking the manager to hibernate (a no-op on the JVM). */
    static <S> HandlerCallResult<S> okHibernate(Object reply, S state) {
        return new Ok<>(reply, state, true);
    }

    static <S> HandlerCallResult<S> swap(Object reply, Object args1, S state, EventHandler<?, ?> next, Object args2) {
        return new Swap<>(reply, args1, state, next, Optional.empty(), args2);
    }

    static <S> HandlerCallResult<S> swap(Object reply, Object args1, S state, EventHandler<?, ?> next, Object nextId,
                                         Object args2) {
        return new Swap<>(reply, args1, state, next, Optional.of(Objects.requireNonNull(nextId, "nextId")), args2);
    }

    static <S> HandlerCallResult<S> remove(Object reply) {
        return new Remove<>(reply);
    }
}
