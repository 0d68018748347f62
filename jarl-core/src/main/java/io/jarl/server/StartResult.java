package io.jarl.server;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Pid;
import java.util.Objects;

/**
 * How a start went (OTP: {@code {ok, Pid} | ignore | {error, Reason}}).
 */
public sealed interface StartResult {

    /** The server is running. */
    record Ok(Pid pid) implements StartResult {
        public Ok {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /** {@code init} returned {@link Init#ignore()}; no server runs. */
    record Ignored() implements StartResult {}

    /**
     * The server did not start: {@code init} returned stop or threw, the name was taken
     * ({@link AlreadyStarted}), or the start timed out.
     */
    record Failed(ExitReason reason) implements StartResult {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The reason of a start that failed because the name belongs to {@code pid} ({@code {already_started, Pid}}). */
    record AlreadyStarted(Pid pid) {
        @Override
        public String toString() {
            return "{already_started, " + pid + "}";
        }
    }

    /**
     * The pid of a started server.
     *
     * @throws ExitException with the reason of a failed start, or {@code ignore} for an ignored one
     */
    default Pid orElseThrow() {
        return switch (this) {
            case Ok(Pid pid) -> pid;
            case Ignored() -> throw new ExitException(ExitReason.of("ignore"), "start ignored");
            case Failed(ExitReason reason) -> throw new ExitException(reason, "start failed");
        };
    }
}
