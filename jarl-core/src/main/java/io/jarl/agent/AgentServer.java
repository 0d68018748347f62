package io.jarl.agent;

import io.jarl.ExitReason;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Result;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * Implementation overview.
 *
 * Elixir's Agent.Server: a GenServer whose requests carry the function to run on the state. Every
 * failure is the engine's: a function that throws makes the callback throw, so the engine runs
 * terminate, logs the server's termination once and exits with the reason, and the caller's call,
 * which monitors the agent, fails with that reason. A reply travels in a Box because a function may
 * return null, which a GenServer reply may not be.
 */
final class AgentServer<S> implements GenServer<S, AgentServer.Call, AgentServer.Cast> {

    sealed interface Call {
        record Get(Function<Object, Object> fn) implements Call {}

        record Update(Function<Object, Object> fn) implements Call {}

        record GetAndUpdate(Function<Object, Agent.GetAndUpdate<?, ?>> fn) implements Call {}
    }

    sealed interface Cast {
        record Apply(Function<Object, Object> fn) implements Cast {}
    }

    /** A reply, possibly null. */
    record Box(Object value) {}

    /** The reply of an update (Elixir: {@code :ok}). */
    static final Box OK = new Box(null);

    private final Supplier<S> initial;

    AgentServer(Supplier<S> initial) {
        this.initial = initial;
    }

    @Override
    public Init<S> init() {
        return Init.ok(initial.get());
    }

    @Override
    @SuppressWarnings("unchecked")
    public CallResult<S> handleCall(Call call, From from, S state) {
        return switch (call) {
            case Call.Get(Function<Object, Object> fn) -> CallResult.reply(new Box(fn.apply(state)), state);
            case Call.Update(Function<Object, Object> fn) -> CallResult.reply(OK, (S) fn.apply(state));
            case Call.GetAndUpdate(Function<Object, Agent.GetAndUpdate<?, ?>> fn) -> {
                Agent.GetAndUpdate<?, ?> pair = fn.apply(state);
                if (pair == null) {
                    // Elixir: {:stop, {:bad_return_value, other}, state}; the caller exits with the reason.
                    yield CallResult.stop(ExitReason.of(new Agent.BadReturnValue(null)), state);
                }
                yield CallResult.reply(new Box(pair.reply()), (S) pair.state());
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public Result<S> handleCast(Cast cast, S state) {
        return switch (cast) {
            case Cast.Apply(Function<Object, Object> fn) -> Result.noReply((S) fn.apply(state));
        };
    }
}
