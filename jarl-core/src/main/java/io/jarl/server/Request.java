package io.jarl.server;

/**
 * A call request that names the type of its reply, so that {@link GenServer#call(io.jarl.Address, Request)}
 * returns that type without a cast.
 *
 * {@snippet :
 * sealed interface StackCall {
 *     record Size() implements StackCall, Request<Integer> {}
 * }
 * int size = GenServer.call(stack, new StackCall.Size());
 * }
 *
 * <p>The server must reply with a value of type {@code R}; a reply of another type makes the call
 * throw {@link ClassCastException} in the caller.
 *
 * @param <R> the reply's type
 */
public interface Request<R> {}
