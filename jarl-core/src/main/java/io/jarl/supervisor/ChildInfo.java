package io.jarl.supervisor;

import io.jarl.Pid;
import java.util.Objects;
import java.util.Optional;

/**
 * One child, as {@link Supervisor#whichChildren} lists it (OTP: {@code {Id, Child, Type, Modules}}).
 *
 * @param id     the child spec's id
 * @param status running with a pid, being restarted, or not running
 * @param type   worker or supervisor
 */
public record ChildInfo(Object id, Status status, ChildType type) {
    public ChildInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(type, "type");
    }

    /** A child's state (OTP: {@code Pid | restarting | undefined}). */
    public sealed interface Status {
        /** Started as {@code pid} (it may have just died; the supervisor has not yet heard of it). */
        record Running(Pid pid) implements Status {
            public Running {
                Objects.requireNonNull(pid, "pid");
            }
        }

        /** A restart failed and is being retried (OTP: {@code restarting}). */
        record Restarting() implements Status {}

        /** Not running: terminated, ignored, or exited without restart (OTP: {@code undefined}). */
        record Undefined() implements Status {}
    }

    /** The child's pid, if it is running. */
    public Optional<Pid> pid() {
        return status instanceof Status.Running(Pid pid) ? Optional.of(pid) : Optional.empty();
    }
}
