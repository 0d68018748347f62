package io.jarl.examples.node;

import io.jarl.ExitReason;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Binary;
import io.jarl.dist.term.TermMapper;
import io.jarl.dist.term.Tuple;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import java.util.Objects;

/**
 * The demo node's {@code counter}: a supervised GenServer holding an integer (OTP: the counter
 * {@code gen_server} of the OTP design principles, under a {@code one_for_one} supervisor).
 *
 * <p>From an Erlang node connected to the demo node {@code N}:
 * <pre>{@code
 * 1> gen_server:call({counter, N}, get).
 * 0
 * 2> gen_server:call({counter, N}, incr).
 * 1
 * 3> catch gen_server:call({counter, N}, crash).
 * {'EXIT',{crashed,{gen_server,call,[{counter,'jarl@vm'},crash,5000]}}}
 * 4> gen_server:call({counter, N}, get).
 * 0
 * }</pre>
 *
 * <ul>
 *   <li>{@code get}: the value;</li>
 *   <li>{@code incr}: adds one and answers the new value;</li>
 *   <li>{@code crash}: the server exits with reason {@code crashed} without answering, so the caller
 *       exits with {@code crashed} too; its supervisor ({@link DemoNode}) starts a new counter, at 0,
 *       under the same name;</li>
 *   <li>anything else: {@code {error, {unknown_call, Request}}}, and the counter goes on (an Erlang
 *       gen_server without a matching clause would crash with {@code function_clause}; a demo that
 *       anyone may call answers instead).</li>
 * </ul>
 */
final class CounterServer implements GenServer<Long, Object, Object> {
    static final Atom GET = Atom.of("get"), INCR = Atom.of("incr"), CRASH = Atom.of("crash");

    /** The reason the counter exits with when asked to crash. */
    static final ExitReason CRASHED = ExitReason.of("crashed");

    private final TermMapper mapper;

    /** @param mapper the node's mapper, to put a request from a Java caller into the error term */
    CounterServer(TermMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public Init<Long> init() {
        return Init.ok(0L);
    }

    @Override
    public CallResult<Long> handleCall(Object request, From from, Long n) {
        if (GET.equals(request)) {
            return CallResult.reply(n, n);
        }
        if (INCR.equals(request)) {
            return CallResult.reply(n + 1, n + 1);
        }
        if (CRASH.equals(request)) {
            return CallResult.stop(CRASHED, n);
        }
        return CallResult.reply(Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_call"), asTerm(request))), n);
    }

    /** The request as a term; a Java value that has none is shown as its text. */
    private Object asTerm(Object request) {
        try {
            return mapper.toTerm(request);
        } catch (RuntimeException notATerm) {
            return Binary.of(String.valueOf(request));
        }
    }
}
