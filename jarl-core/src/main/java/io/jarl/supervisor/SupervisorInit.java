package io.jarl.supervisor;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * What a supervisor's init function returns (OTP: the result of {@code Module:init/1},
 * {@code {ok, {SupFlags, ChildSpecs}} | ignore}). See {@link Supervisor#startLink(Callable, io.jarl.server.StartOptions)}.
 */
public sealed interface SupervisorInit {

    /** Supervise {@code children}, started in list order, with {@code flags}. */
    record Ok(SupervisorFlags flags, List<ChildSpec> children) implements SupervisorInit {
        public Ok {
            Objects.requireNonNull(flags, "flags");
            children = List.copyOf(children);
        }
    }

    /** Do not start: the start returns {@link io.jarl.server.StartResult.Ignored} (OTP: {@code ignore}). */
    record Ignore() implements SupervisorInit {}

    /**
     * The reason of a start whose init function returned {@code null}
     * (OTP: {@code {bad_return, {Module, init, Value}}}).
     */
    record BadReturn(String what) {
        @Override
        public String toString() {
            return "{bad_return, " + what + "}";
        }
    }

    static SupervisorInit of(SupervisorFlags flags, List<ChildSpec> children) {
        return new Ok(flags, children);
    }

    static SupervisorInit ignore() {
        return new Ignore();
    }
}
