package io.jarl.supervisor;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Pid;
import java.util.Objects;

/**
 * What {@link Supervisor#startChild} and {@link DynamicSupervisor#startChild} return
 * (OTP: {@code {ok, Pid} | {ok, undefined} | {error, Error}}).
 */
public sealed interface StartChildResult {

    /** The child runs as {@code pid} (OTP: {@code {ok, Pid}}). */
    record Started(Pid pid) implements StartChildResult {
        public Started {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /**
     * The start function returned ignore (OTP: {@code {ok, undefined}}): the spec is kept, not running,
     * unless the child is temporary or the supervisor a {@link DynamicSupervisor}.
     */
    record Ignored() implements StartChildResult {}

    /** The start function failed or threw (OTP: {@code {error, Reason}}); nothing is kept. */
    record Failed(ExitReason reason) implements StartChildResult {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A child with this id runs already, as {@code pid} (OTP: {@code {error, {already_started, Pid}}}). */
    record AlreadyStarted(Pid pid) implements StartChildResult {
        public AlreadyStarted {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /**
     * A spec with this id exists but its child is not running, or is being restarted
     * (OTP: {@code {error, already_present}}); use {@link Supervisor#restartChild} or
     * {@link Supervisor#deleteChild}.
     */
    record AlreadyPresent() implements StartChildResult {}

    /** The spec is not valid for this supervisor (OTP: {@code {error, Error}} from the spec check). */
    record Invalid(ChildSpecError error) implements StartChildResult {
        public Invalid {
            Objects.requireNonNull(error, "error");
        }
    }

    /** A {@link DynamicSupervisor} has its maximum number of children (Elixir: {@code {:error, :max_children}}). */
    record MaxChildren() implements StartChildResult {}

    /**
     * The pid of the started child.
     *
     * @throws ExitException for any other result, with the reason of a failed start
     */
    default Pid orElseThrow() {
        return switch (this) {
            case Started(Pid pid) -> pid;
            case Failed(ExitReason reason) -> throw new ExitException(reason, "startChild failed");
            default -> throw new ExitException(ExitReason.of(this), "startChild did not start a child");
        };
    }
}
