package io.jarl.examples.node;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Tuple;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Result;

/**
 * The demo node's {@code echo}: a GenServer that gives back what it is given (OTP: the echo server
 * of every Erlang tutorial, a {@code gen_server} whose {@code handle_call(Req, _, S)} is
 * {@code {reply, Req, S}}).
 *
 * <p>From an Erlang node connected to the demo node {@code N}:
 * <pre>{@code
 * 1> gen_server:call({echo, N}, hello).
 * hello
 * 2> {echo, N} ! {self(), hi}, receive R -> R after 1000 -> timeout end.
 * {echo,hi}
 * }</pre>
 *
 * <ul>
 *   <li>a call replies with its request, unchanged (any term: tuples, binaries, pids...);</li>
 *   <li>a message {@code {Pid, Term}} is answered by sending {@code {echo, Term}} to {@code Pid}
 *       (a {@link Tuple} whose first element is a {@link Pid}: on a distributed node, pids in terms
 *       arrive as Jarl pids, of this node or another);</li>
 *   <li>casts and other messages are ignored (logged, as a GenServer's default {@code handleInfo}
 *       does): there is nobody to answer.</li>
 * </ul>
 * The state counts what was echoed, for {@link io.jarl.server.Sys#getState}.
 */
final class EchoServer implements GenServer<EchoServer.Echoed, Object, Object> {
    /** How many calls and messages were echoed. */
    record Echoed(long calls, long messages) {}

    static final Atom ECHO = Atom.of("echo");

    @Override
    public Init<Echoed> init() {
        return Init.ok(new Echoed(0, 0));
    }

    @Override
    public CallResult<Echoed> handleCall(Object request, From from, Echoed echoed) {
        return CallResult.reply(request, new Echoed(echoed.calls() + 1, echoed.messages()));
    }

    @Override
    public Result<Echoed> handleCast(Object request, Echoed echoed) {
        return Result.noReply(echoed);
    }

    @Override
    public Result<Echoed> handleInfo(Object message, Echoed echoed) throws Exception {
        if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid pid) {
            Jarl.send(pid, Tuple.of(ECHO, t.get(1)));
            return Result.noReply(new Echoed(echoed.calls(), echoed.messages() + 1));
        }
        return GenServer.super.handleInfo(message, echoed);
    }
}
