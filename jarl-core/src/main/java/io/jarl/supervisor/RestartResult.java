package io.jarl.supervisor;

import io.jarl.ExitReason;
import io.jarl.Pid;
import java.util.Objects;

/** What {@link Supervisor#restartChild} returns (OTP: {@code {ok, Pid} | {ok, undefined} | {error, Error}}). */
public sealed interface RestartResult {

    /** The child runs again as {@code pid} (OTP: {@code {ok, Pid}}). */
    record Restarted(Pid pid) implements RestartResult {
        public Restarted {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /** The start function returned ignore (OTP: {@code {ok, undefined}}); the spec stays, not running. */
    record Ignored() implements RestartResult {}

    /** The start function failed (OTP: {@code {error, Reason}}); the spec stays, not running. */
    record Failed(ExitReason reason) implements RestartResult {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The child is running (OTP: {@code {error, running}}). */
    record Running() implements RestartResult {}

    /** The supervisor is retrying a failed restart of it (OTP: {@code {error, restarting}}). */
    record Restarting() implements RestartResult {}

    /** No such child (OTP: {@code {error, not_found}}). */
    record NotFound() implements RestartResult {}
}
