package io.jarl.pg;

import io.jarl.Pid;
import io.jarl.Ref;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Pg#monitor(String, Object)} returns (OTP: {@code {Ref, Pids}}): the group's members when
 * the monitor started, and the reference its {@link GroupEvent}s carry from then on.
 *
 * @param ref     the monitor's reference, for {@link Pg#demonitor(String, Ref)}
 * @param members the group's members, newest first
 */
public record GroupMonitor(Ref ref, List<Pid> members) {
    public GroupMonitor {
        Objects.requireNonNull(ref, "ref");
        members = List.copyOf(members);
    }
}
