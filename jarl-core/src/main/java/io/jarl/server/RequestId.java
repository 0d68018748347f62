package io.jarl.server;

import io.jarl.Address;
import io.jarl.Ref;

/**
 * A call in flight, made by {@link GenServer#sendRequest} (OTP: {@code request_id()}). Only the
 * process that made it can collect its reply.
 *
 * @param server  the server called
 * @param monitor the caller's monitor of the server, and the tag of the reply
 */
public record RequestId(Address server, Ref monitor, Ref alias) {}
