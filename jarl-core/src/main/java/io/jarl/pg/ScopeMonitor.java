package io.jarl.pg;

import io.jarl.Pid;
import io.jarl.Ref;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Pg#monitorScope(String)} returns (OTP: {@code {Ref, #{Group => Pids}}}): the scope's
 * groups when the monitor started, and the reference its {@link GroupEvent}s carry from then on.
 *
 * @param ref    the monitor's reference, for {@link Pg#demonitor(String, Ref)}
 * @param groups every non-empty group and its members
 */
public record ScopeMonitor(Ref ref, Map<Object, List<Pid>> groups) {
    public ScopeMonitor {
        Objects.requireNonNull(ref, "ref");
        groups = Map.copyOf(groups);
    }
}
