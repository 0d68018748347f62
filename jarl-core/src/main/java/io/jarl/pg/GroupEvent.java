package io.jarl.pg;

import io.jarl.Pid;
import io.jarl.Ref;
import java.util.List;
import java.util.Objects;

/**
 * A change of membership sent to the processes that monitor a scope or a group (OTP:
 * {@code {Ref, join, Group, Pids}} and {@code {Ref, leave, Group, Pids}}).
 *
 * <p>{@link #ref()} is the reference {@link Pg#monitorScope(String)} or {@link Pg#monitor(String, Object)}
 * returned; events of one scope arrive in the order the scope made the changes.
 */
public sealed interface GroupEvent {

    /** The monitor's reference. */
    Ref ref();

    /** The group that changed. */
    Object group();

    /** The processes that joined or left, once per membership (a process that joined twice may be listed twice). */
    List<Pid> pids();

    /**
     * {@code pids} joined {@code group} (OTP: {@code {Ref, join, Group, Pids}}).
     *
     * @param ref   the monitor's reference
     * @param group the group
     * @param pids  the processes that joined, in the order given to {@link Pg#join}
     */
    record Join(Ref ref, Object group, List<Pid> pids) implements GroupEvent {
        public Join {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(group, "group");
            pids = List.copyOf(pids);
        }
    }

    /**
     * {@code pids} left {@code group}, by {@link Pg#leave} or by ending (OTP: {@code {Ref, leave, Group, Pids}}).
     *
     * @param ref   the monitor's reference
     * @param group the group
     * @param pids  the processes that left
     */
    record Leave(Ref ref, Object group, List<Pid> pids) implements GroupEvent {
        public Leave {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(group, "group");
            pids = List.copyOf(pids);
        }
    }
}
