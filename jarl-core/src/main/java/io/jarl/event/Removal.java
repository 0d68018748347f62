package io.jarl.event;

import io.jarl.ExitReason;
import java.util.Objects;

/**
 * Why the manager itself removes a handler: the {@code arg} of {@link EventHandler#terminate} when it
 * is not the {@code args} of {@link GenEvent#deleteHandler} or of a swap (OTP: {@code stop |
 * {stop, Reason} | remove_handler | {error, {'EXIT', Reason}}}).
 */
public sealed interface Removal {

    /** The manager is stopping (OTP: {@code stop}). */
    record Stop() implements Removal {
        @Override
        public String toString() {
            return "stop";
        }
    }

    /**
     * The process that added the handler with {@link GenEvent#addSupHandler} ended with
     * {@code reason} (OTP: {@code {stop, Reason}}).
     */
    record OwnerExited(ExitReason reason) implements Removal {
        public OwnerExited {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return "{stop, " + reason + "}";
        }
    }

    /** A callback of the handler returned remove (OTP: {@code remove_handler}). */
    record RemoveHandler() implements Removal {
        @Override
        public String toString() {
            return "remove_handler";
        }
    }

    /**
     * A callback of the handler threw, or returned null (OTP: {@code {error, {'EXIT', Reason}}}, and
     * {@code {error, Term}} for a bad return value, which Java's types leave only {@code null} to be).
     */
    record Error(ExitReason reason) implements Removal {
        public Error {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return "{error, {'EXIT', " + reason + "}}";
        }
    }
}
