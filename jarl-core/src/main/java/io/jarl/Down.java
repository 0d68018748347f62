package io.jarl;

import java.util.Objects;
import java.util.Optional;

/**
 * The message a monitor delivers once when the monitored process ends
 * (OTP: {@code {'DOWN', Ref, process, Object, Reason}}).
 *
 * @param ref    the reference {@link Jarl#monitor(Pid)} returned
 * @param object what was monitored: the {@link Pid}, or the registered name ({@link String})
 *               for a monitor made by name
 * @param reason why the process ended; {@link ExitReason.NoProc} if it did not exist when monitored
 */
public record Down(Ref ref, Object object, ExitReason reason) {
    public Down {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(reason, "reason");
    }

    /** The monitored pid, when the monitor was made by pid. */
    public Optional<Pid> pid() {
        return object instanceof Pid p ? Optional.of(p) : Optional.empty();
    }
}
