package io.jarl.server;

import io.jarl.ExitReason;

/**
 * The outcome of waiting for, or checking, a request's reply (OTP: {@code {reply, Reply} |
 * {error, {Reason, ServerRef}} | timeout | no_reply}).
 */
public sealed interface Response {

    /** The server replied. */
    record Reply(Object value) implements Response {}

    /** The server ended (or was not running: {@code noproc}) before replying. */
    record Error(ExitReason reason) implements Response {}

    /** No reply came in time. */
    record Timeout() implements Response {}

    /** The message checked is not the reply to this request ({@code check_response} only). */
    record NoReply() implements Response {}
}
