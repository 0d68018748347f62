package io.jarl.server;

import io.jarl.Pid;
import io.jarl.Ref;
import java.util.Objects;

/**
 * Who made a call and how to answer it (OTP: {@code from()}, the {@code {Pid, Tag}} of a call).
 * Pass it to {@link GenServer#reply(From, Object)} to answer a call later, from any process.
 *
 * @param pid the caller
 * @param tag the call's alias: a reply sent after the caller gave up is dropped
 */
public record From(Pid pid, Ref tag) {
    public From {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(tag, "tag");
    }
}
