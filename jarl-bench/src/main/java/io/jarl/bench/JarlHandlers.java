package io.jarl.bench;

import static io.jarl.Jarl.makeRef;
import static io.jarl.Jarl.receive;
import static io.jarl.Jarl.self;
import static io.jarl.Jarl.send;
import static io.jarl.Jarl.spawnHandler;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.bench.JarlRuntime.Call;
import io.jarl.bench.JarlRuntime.Count;
import io.jarl.bench.JarlRuntime.Done;
import io.jarl.bench.JarlRuntime.Go;
import io.jarl.bench.JarlRuntime.Next;
import io.jarl.bench.JarlRuntime.Ping;
import io.jarl.bench.JarlRuntime.Pong;
import io.jarl.bench.JarlRuntime.Ready;
import io.jarl.bench.JarlRuntime.Reply;
import io.jarl.bench.JarlRuntime.Stop;
import io.jarl.bench.JarlRuntime.Sum;
import io.jarl.bench.JarlRuntime.Token;

/**
 * The {@code _handler} lines: the scenarios of {@link JarlRuntime} written with Jarl's handler
 * processes ({@link io.jarl.Handler}), each a state and a mailbox that holds no thread while it
 * waits, as a Jarl user would write them for speed. The driver is still an ordinary process (it
 * times the run and waits for its end); everything it measures runs as handlers. The messages and
 * the sizes are those of the receive-loop lines.
 */
final class JarlHandlers {
    private JarlHandlers() {}

    // ---------------------------------------------------------------- spawn_1m_handler, idle_bytes_handler

    /** As {@link JarlRuntime#spawnIdle}: each process says it is ready, then waits for {@code Stop}. */
    static JvmRuntime.Idle spawnIdle(int n) {
        return JarlRuntime.idle(n, me -> spawnHandler(() -> {
            send(me, JarlRuntime.READY);
            return JarlRuntime.READY; // a state: the process has none of its own
        }, (Ready state, Object msg) -> msg instanceof Stop ? null : state));
    }

    // ---------------------------------------------------------------- pingpong_handler

    /** A handler that answers every Ping with Pong, and ends at Stop. */
    static Pid ponger() {
        return spawnHandler(() -> JarlRuntime.PONG, (Pong pong, Object msg) -> switch (msg) {
            case Ping(Pid from) -> {
                send(from, pong);
                yield pong;
            }
            case Stop _ -> null;
            default -> pong;
        });
    }

    /** The pinger's state: the round trips left, and whom to tell when none are. */
    record Pinger(int left, Pid driver) {}

    static double[] pingPong(int warm, int n, int runs) {
        Pid ponger = ponger();
        try {
            return Jarl.run(() -> {
                pingPongRun(ponger, warm);
                return JarlRuntime.repeat(runs, () -> pingPongRun(ponger, n));
            });
        } finally {
            send(ponger, JarlRuntime.STOP);
        }
    }

    private static double pingPongRun(Pid ponger, int n) {
        Pid driver = self();
        long t0 = System.nanoTime();
        spawnHandler(() -> {
            send(ponger, new Ping(self()));
            return new Pinger(n, driver);
        }, (Pinger p, Object msg) -> {
            if (p.left() == 1) {
                send(p.driver(), JarlRuntime.DONE);
                return null;
            }
            send(ponger, new Ping(self()));
            return new Pinger(p.left() - 1, p.driver());
        });
        receive(Done.class);
        return (System.nanoTime() - t0) / (double) n;
    }

    // ---------------------------------------------------------------- ring_handler

    static double[] ring(int size, int warmHops, int hops, int runs) {
        // Until it knows its neighbour, a node's state is READY (any non-null value).
        return JarlRuntime.ring(size, warmHops, hops, runs,
                () -> spawnHandler(() -> JarlRuntime.READY, JarlHandlers::ringNode));
    }

    private static Object ringNode(Object state, Object msg) {
        return switch (msg) {
            case Next ring -> ring;
            case Token(int left) when left == 0 -> {
                send(((Next) state).driver(), JarlRuntime.DONE);
                yield state;
            }
            case Token(int left) -> {
                send(((Next) state).next(), new Token(left - 1));
                yield state;
            }
            case Stop _ -> null;
            default -> state;
        };
    }

    // ---------------------------------------------------------------- call_fanin_*_handler

    /** The echo server of call_fanin as a handler: every Call is answered with its request. */
    static Pid echoServer() {
        return spawnHandler(() -> JarlRuntime.READY, (Ready state, Object msg) -> switch (msg) {
            case Call(Ref ref, Pid from, Object request) -> {
                send(from, new Reply(ref, request));
                yield state;
            }
            case Stop _ -> null;
            default -> state;
        });
    }

    /** A client's state: its call in flight (tagged with a fresh reference), the calls done, the end. */
    record Client(Ref ref, long calls, long deadline, Pid driver) {}

    static double[] callFanin(int clients, int warmMillis, int millis, int runs) {
        Pid server = echoServer();
        try {
            return Jarl.run(() -> {
                faninRun(server, clients, warmMillis);
                return JarlRuntime.repeat(runs, () -> faninRun(server, clients, millis));
            });
        } finally {
            send(server, JarlRuntime.STOP);
        }
    }

    /**
     * {@code clients} handler clients call the server, each waiting for its reply before the next
     * call (the request is the number of calls so far), until {@code millis} ms have passed.
     */
    private static double faninRun(Pid server, int clients, int millis) {
        Pid driver = self();
        Pid[] cs = new Pid[clients];
        for (int i = 0; i < clients; i++) {
            cs[i] = spawnHandler(() -> JarlRuntime.READY, (Object state, Object msg) -> {
                if (msg instanceof Go(long deadline)) {
                    return call(server, new Client(null, 0, deadline, driver));
                }
                if (state instanceof Client c && msg instanceof Reply r && r.ref() == c.ref()) {
                    Client done = new Client(null, c.calls() + 1, c.deadline(), c.driver());
                    if (System.nanoTime() - c.deadline() < 0) {
                        return call(server, done);
                    }
                    send(c.driver(), new Count(done.calls()));
                    return null;
                }
                return state;
            });
        }
        return JarlRuntime.countCalls(cs, millis);
    }

    private static Client call(Pid server, Client c) {
        Ref ref = makeRef();
        send(server, new Call(ref, self(), c.calls()));
        return new Client(ref, c.calls(), c.deadline(), c.driver());
    }

    // ---------------------------------------------------------------- skynet_handler

    /** A node of the tree waiting for its children: whom to tell, how many are still to answer, the sum so far. */
    record Node(Pid parent, int waiting, long sum) {}

    static double[] skynet(int warmLeaves, int leaves, int runs) {
        return Jarl.run(() -> {
            skynetRun(warmLeaves);
            return JarlRuntime.repeat(runs, () -> skynetRun(leaves));
        });
    }

    private static double skynetRun(long leaves) {
        return JarlRuntime.timedSkynet("skynet_handler", leaves,
                me -> spawnHandler(() -> skynet(me, 0, leaves), JarlHandlers::skynetSum));
    }

    /** A node's init: a leaf answers at once and ends; an inner node spawns its ten children. */
    private static Node skynet(Pid parent, long num, long size) {
        if (size == 1) {
            send(parent, new Sum(num));
            return null;
        }
        Pid me = self();
        long sub = size / 10;
        for (int i = 0; i < 10; i++) {
            long childNum = num + i * sub;
            spawnHandler(() -> skynet(me, childNum, sub), JarlHandlers::skynetSum);
        }
        return new Node(parent, 10, 0);
    }

    private static Node skynetSum(Node node, Object msg) {
        long sum = node.sum() + ((Sum) msg).value();
        if (node.waiting() == 1) {
            send(node.parent(), new Sum(sum));
            return null;
        }
        return new Node(node.parent(), node.waiting() - 1, sum);
    }
}
