package io.jarl.supervisor;

import io.jarl.ExitReason;
import java.util.Objects;

/**
 * The detail of the reason of a supervisor that could not start one of its children: the supervisor
 * fails to start with {@code ExitReason.shutdown(new FailedToStartChild(id, reason))}
 * (OTP: {@code {shutdown, {failed_to_start_child, Id, Reason}}}).
 *
 * @param id     the child that failed
 * @param reason why its start function failed
 */
public record FailedToStartChild(Object id, ExitReason reason) {
    public FailedToStartChild {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "{failed_to_start_child, " + id + ", " + reason + "}";
    }
}
