package io.jarl.examples;

import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;

/** The README's GenServer example: a counter with a typed call and a cast. */
public final class Counter implements GenServer<Integer, Counter.Call, Counter.Cast> {
    public sealed interface Call {
        record Get() implements Call, Request<Integer> {}
    }

    public sealed interface Cast {
        record Add(int n) implements Cast {}
    }

    @Override
    public Init<Integer> init() {
        return Init.ok(0);
    }

    @Override
    public CallResult<Integer> handleCall(Call call, From from, Integer n) {
        return switch (call) {
            case Call.Get() -> CallResult.reply(n, n);
        };
    }

    @Override
    public Result<Integer> handleCast(Cast cast, Integer n) {
        return switch (cast) {
            case Cast.Add(int k) -> Result.noReply(n + k);
        };
    }
}
