package io.jarl.event;

import io.jarl.ExitReason;
import io.jarl.Pid;
import java.util.Objects;

/**
 * The message a process that added a handler with {@link GenEvent#addSupHandler} receives when that
 * handler leaves the manager (OTP: {@code {gen_event_EXIT, Handler, Reason}}).
 *
 * @param handler the handler that left
 * @param reason  {@code normal}: deleted with {@link GenEvent#deleteHandler}, or a callback returned
 *                remove; {@code shutdown}: the manager is stopping; {@code ExitReason.of(new
 *                Swapped(..))}: it was replaced by a swap; anything else: the failure of one of its
 *                callbacks (a {@link ExitReason.Crash} for an exception), and the crash was logged
 */
public record GenEventExit(HandlerId handler, ExitReason reason) {
    public GenEventExit {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * The reason of a {@link GenEventExit} for a handler replaced by a swap (OTP: {@code {swapped,
     * NewHandler, Pid}}).
     *
     * @param handler    the handler now installed in its place
     * @param supervisor the process that supervises the new handler
     */
    public record Swapped(HandlerId handler, Pid supervisor) {
        public Swapped {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(supervisor, "supervisor");
        }

        @Override
        public String toString() {
            return "{swapped, " + handler + ", " + supervisor + "}";
        }
    }
}
