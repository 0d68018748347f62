package io.jarl.event;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import java.util.Objects;

/**
 * The answer of {@link GenEvent#call}, a request to one handler (OTP: {@code Reply |
 * {error, bad_module} | {error, {'EXIT', Reason}}}).
 *
 * <p>That the manager is not running, or did not answer in time, is not a value of this type:
 * the call throws {@link ExitException} then, as OTP's {@code call} exits.
 *
 * @param <R> the reply's type
 */
public sealed interface CallReply<R> {

    /** The handler answered {@code value}. */
    record Reply<R>(R value) implements CallReply<R> {
        public Reply {
            Objects.requireNonNull(value, "value");
        }
    }

    /** No handler with that identity is installed (OTP: {@code {error, bad_module}}). */
    record BadModule<R>() implements CallReply<R> {
        @Override
        public String toString() {
            return "{error, bad_module}";
        }
    }

    /**
     * The handler's {@link EventHandler#handleCall} threw or returned null; the handler has been removed
     * (OTP: {@code {error, {'EXIT', Reason}}}).
     */
    record Error<R>(ExitReason reason) implements CallReply<R> {
        public Error {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return "{error, {'EXIT', " + reason + "}}";
        }
    }

    /**
     * The reply.
     *
     * @throws ExitException with reason {@code bad_module}, or the handler's failure
     */
    default R orElseThrow() {
        return switch (this) {
            case Reply<R>(R value) -> value;
            case BadModule<R>() -> throw new ExitException(ExitReason.of("bad_module"), "GenEvent.call: no such handler");
            case Error<R>(ExitReason reason) -> throw new ExitException(reason, "GenEvent.call: the handler failed");
        };
    }
}
