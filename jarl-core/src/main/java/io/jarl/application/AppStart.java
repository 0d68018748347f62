package io.jarl.application;

import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.server.StartResult;
import java.util.Objects;

/**
 * What {@link Application#start(StartType, Object)} returns (OTP: {@code {ok, Pid} | {ok, Pid, State} |
 * {error, Reason}}).
 *
 * <p>The usual start runs the top supervisor and hands its start over:
 * {@snippet :
 * public AppStart<Void> start(StartType type, Object args) {
 *     return AppStart.of(Supervisor.startLink(SupervisorFlags.oneForOne(), children()));
 * }
 * }
 * An application that keeps something for {@link Application#prepStop} and {@link Application#stop}
 * (a resource to close) returns it with {@link #ok(Pid, Object)}.
 *
 * @param <S> the application's state; {@link Void} for none
 */
public sealed interface AppStart<S> {

    /**
     * The application runs: {@code supervisor} is its top process, linked to the application's master
     * (which links it if the start function did not), and {@code state} is what
     * {@link Application#prepStop} and {@link Application#stop} receive.
     *
     * @param supervisor the top supervisor (OTP: the {@code Pid} of {@code {ok, Pid, State}})
     * @param state      the state; {@code null} only for {@link #ok(Pid)}, whose state type is {@link Void}
     */
    record Ok<S>(Pid supervisor, S state) implements AppStart<S> {
        public Ok {
            Objects.requireNonNull(supervisor, "supervisor");
        }
    }

    /** The start failed with {@code reason} (OTP: {@code {error, Reason}}). */
    record Failed<S>(ExitReason reason) implements AppStart<S> {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The application runs under {@code supervisor} and has no state (OTP: {@code {ok, Pid}}). */
    static AppStart<Void> ok(Pid supervisor) {
        return new Ok<>(supervisor, null);
    }

    /** The application runs under {@code supervisor} with {@code state} (OTP: {@code {ok, Pid, State}}). */
    static <S> AppStart<S> ok(Pid supervisor, S state) {
        return new Ok<>(supervisor, Objects.requireNonNull(state, "state"));
    }

    /** The start failed (OTP: {@code {error, Reason}}). */
    static <S> AppStart<S> error(ExitReason reason) {
        return new Failed<>(reason);
    }

    /**
     * The application start that a supervisor's start gives: {@code Ok(pid)} runs the application
     * under {@code pid}; {@code Failed(reason)} fails it with {@code reason}; {@code Ignored} fails it
     * too (OTP: a start callback that returns {@code ignore} is a {@code bad_return}).
     */
    static AppStart<Void> of(StartResult supervisorStart) {
        return switch (Objects.requireNonNull(supervisorStart, "supervisorStart")) {
            case StartResult.Ok(Pid pid) -> ok(pid);
            case StartResult.Failed(ExitReason reason) -> error(reason);
            case StartResult.Ignored() -> error(ExitReason.of("bad_return: the top supervisor's start returned ignore"));
        };
    }
}
