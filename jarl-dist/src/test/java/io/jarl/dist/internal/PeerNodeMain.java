package io.jarl.dist.internal;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.SpawnOptions;
import io.jarl.dist.Node;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.RpcException;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Tuple;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A second Jarl node in a JVM of its own, for {@link JarlToJarlTest}: started as
 * {@code java -cp <test classpath> io.jarl.dist.internal.PeerNodeMain alive cookie epmdPort}, it
 * becomes the node, starts {@code echo} (a GenServer that answers every call with its request and
 * {@code {Pid, X}} with {@code {echo, X}}) and {@code ctl} (the test's remote control), prints
 * {@code ready <node name>} and runs until its standard input ends. Each line of input is a command:
 * {@code send <node> <name> <atom>} sends the atom to {@code {name, node}} (from a plain thread, at
 * once), {@code disconnect <node>} drops the connection and prints {@code disconnected <bool>}.
 *
 * <p>{@code ctl} answers calls: {@code {agent, ReportTo, Trap}} starts an agent (below) and returns
 * its pid ({@code {agent, ReportTo, Trap, Name}} also registers it); {@code {ping, Node}},
 * {@code {rpc, Node, M, F, Args}}, {@code {disconnect, Node}} and {@code nodes} use this node's
 * {@link Node}. An agent reports to {@code ReportTo} as {@code {Agent, Report}} what it sees:
 * {@code {'EXIT', From, Reason}}, {@code {'DOWN', Ref, Object, Reason}}, {@code {msg, M}}; and on
 * messages it links ({@code {link, Pid}}, reports {@code linked}), monitors ({@code {monitor,
 * Target}}, reports {@code {monitoring, Ref}}), sends an exit signal ({@code {exit, Pid, Reason}}),
 * or exits ({@code {exit_with, Reason}}).
 */
public final class PeerNodeMain {
    private static Node node;

    private PeerNodeMain() {}

    public static void main(String[] args) throws IOException {
        String alive = args[0];
        String cookie = args[1];
        int epmdPort = Integer.parseInt(args[2]);
        node = Node.start(NodeOptions.sname(alive).withCookie(cookie).withEpmdPort(epmdPort).withEmbeddedEpmd(false)
                .export("jarl_peer", "add", 2, a -> (Long) a.get(0) + (Long) a.get(1))
                .export("jarl_peer", "fail", 0, a -> {
                    throw new IllegalStateException("asked to fail");
                }));
        GenServer.start(new Echo(), StartOptions.named("echo")).orElseThrow();
        GenServer.start(new Ctl(), StartOptions.named("ctl")).orElseThrow();
        System.out.println("ready " + node.name());
        System.out.flush();
        // runs until the parent closes our input (or dies); a line is a command
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
            String[] w = line.strip().split(" ");
            switch (w[0]) {
                case "send" -> Jarl.send(new RemoteName(w[2], w[1]), Atom.of(w[3]));
                case "disconnect" -> System.out.println("disconnected " + node.disconnect(w[1]));
                default -> System.out.println("unknown command " + line);
            }
            System.out.flush();
        }
        node.close();
        System.exit(0);
    }

    static ExitReason reason(Object term) {
        return term instanceof Atom a ? switch (a.name()) {
            case "normal" -> ExitReason.normal();
            case "kill" -> ExitReason.kill();
            case "killed" -> ExitReason.killed();
            default -> ExitReason.of(a.name());
        } : ExitReason.of(term);
    }

    /** The reason as a term the parent compares: the atom of a named or text reason. */
    static Object reasonTerm(ExitReason reason) {
        return switch (reason) {
            case ExitReason.Other(String text) -> Atom.of(text); // as the wire spells it
            case ExitReason.Other(Object term) -> node.mapper().toTerm(term);
            case ExitReason.Crash c -> Atom.of("crash");
            default -> Atom.of(reason.toString());
        };
    }

    /** A tuple of Java values, each mapped to its term (Tuple.of takes terms only). */
    static Tuple tuple(Object... values) {
        Object[] terms = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            terms[i] = node.mapper().toTerm(values[i]);
        }
        return Tuple.of(terms);
    }

    static final class Echo implements GenServer<Integer, Object, Object> {
        @Override
        public Init<Integer> init() {
            return Init.ok(0);
        }

        @Override
        public CallResult<Integer> handleCall(Object request, From from, Integer n) {
            return CallResult.reply(request, n + 1);
        }

        @Override
        public Result<Integer> handleCast(Object request, Integer n) {
            return Result.noReply(n);
        }

        @Override
        public Result<Integer> handleInfo(Object message, Integer n) {
            if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid p) {
                Jarl.send(p, Tuple.of(Atom.of("echo"), t.get(1)));
            }
            return Result.noReply(n);
        }
    }

    static final class Ctl implements GenServer<Integer, Object, Object> {
        @Override
        public Init<Integer> init() {
            return Init.ok(0);
        }

        @Override
        public CallResult<Integer> handleCall(Object request, From from, Integer n) {
            Tuple t = (Tuple) (request instanceof Tuple x ? x : Tuple.of(request));
            String op = ((Atom) t.get(0)).name();
            Object answer = switch (op) {
                case "agent" -> {
                    Pid reportTo = pid(t.get(1));
                    SpawnOptions options = Atom.TRUE.equals(t.get(2)) ? SpawnOptions.defaults().trapExit()
                            : SpawnOptions.defaults();
                    if (t.arity() == 4) {
                        options = options.register(((Atom) t.get(3)).name());
                    }
                    yield Jarl.spawn(options, () -> agent(reportTo));
                }
                case "ping" -> Atom.of(String.valueOf(node.ping(((Atom) t.get(1)).name())));
                case "rpc" -> {
                    try {
                        yield node.rpc(((Atom) t.get(1)).name(), ((Atom) t.get(2)).name(), ((Atom) t.get(3)).name(),
                                (List<?>) node.mapper().fromTerm(t.get(4)), Duration.ofSeconds(5));
                    } catch (RpcException e) {
                        yield tuple(Atom.of("badrpc"), e.reason());
                    }
                }
                case "disconnect" -> Atom.of(String.valueOf(node.disconnect(((Atom) t.get(1)).name())));
                case "nodes" -> node.nodes();
                default -> tuple(Atom.ERROR, Atom.of("unknown"), request);
            };
            return CallResult.reply(answer, n + 1);
        }

        @Override
        public Result<Integer> handleCast(Object request, Integer n) {
            return Result.noReply(n);
        }

        @Override
        public Result<Integer> handleInfo(Object message, Integer n) {
            return Result.noReply(n);
        }
    }

    private static Pid pid(Object term) {
        return term instanceof Pid p ? p : node.mapper().fromTerm(term, Pid.class);
    }

    private static void agent(Pid reportTo) {
        while (true) {
            Object m = Jarl.receive();
            Object report = switch (m) {
                case Exit(Pid from, ExitReason reason) -> tuple(Atom.of("EXIT"), from, reasonTerm(reason));
                case Down(Ref ref, Object object, ExitReason reason) ->
                        tuple(Atom.of("DOWN"), ref, object instanceof RemoteName r
                                ? tuple(Atom.of(r.name()), Atom.of(r.node())) : object, reasonTerm(reason));
                case Tuple t when t.arity() == 2 && Atom.of("link").equals(t.get(0)) -> {
                    Jarl.link(pid(t.get(1)));
                    yield Atom.of("linked");
                }
                case Tuple t when t.arity() == 2 && Atom.of("monitor").equals(t.get(0)) -> {
                    Object target = t.get(1);
                    Ref ref = target instanceof Tuple name
                            ? Jarl.monitor(new RemoteName(((Atom) name.get(0)).name(), ((Atom) name.get(1)).name()))
                            : Jarl.monitor(pid(target));
                    yield tuple(Atom.of("monitoring"), ref);
                }
                case Tuple t when t.arity() == 3 && Atom.of("exit").equals(t.get(0)) -> {
                    Jarl.exit(pid(t.get(1)), reason(t.get(2)));
                    yield Atom.of("sent");
                }
                case Tuple t when t.arity() == 2 && Atom.of("exit_with").equals(t.get(0)) ->
                        throw new ExitException(reason(t.get(1)), "asked to exit");
                default -> tuple(Atom.of("msg"), m);
            };
            Jarl.send(reportTo, tuple(Jarl.self(), report));
        }
    }
}
