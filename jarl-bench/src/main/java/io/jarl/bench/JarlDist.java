package io.jarl.bench;

import static io.jarl.Jarl.receive;
import static io.jarl.Jarl.self;
import static io.jarl.Jarl.send;
import static io.jarl.Jarl.skip;
import static io.jarl.Jarl.spawn;

import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.RemoteName;
import io.jarl.SpawnOptions;
import io.jarl.dist.Node;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.Tuple;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The Jarl side of the distributed scenarios ({@code dist_send}, {@code dist_call}): a JVM that is
 * a Jarl node, as either side of a {@link Pair}. {@link PairRunner} starts it:
 *
 * <pre>
 * java -cp ... io.jarl.bench.JarlDist receiver &lt;cookie&gt; &lt;epmdPort&gt; &lt;sname&gt;
 * java -cp ... io.jarl.bench.JarlDist sender &lt;pair&gt; &lt;quick|full&gt; &lt;cookie&gt; &lt;epmdPort&gt; &lt;sname&gt; &lt;peer&gt; scenario...
 * </pre>
 *
 * The receiver registers the counter ({@value #COUNTER}) and the echo GenServer ({@value #ECHO}),
 * prints {@code # dist_ready node=<its name>} and serves until its standard input ends. The sender
 * connects to {@code peer}, runs the scenarios against it and prints one result line per line of
 * each scenario, with the pair as the runtime. The terms are those of {@code jarl_bench.erl}, so
 * either side may be an {@code erl} node instead:
 * <ul>
 *   <li>{@code {count, N, Driver}} to the counter: it answers {@code {counting, CounterPid}}, counts
 *       the next N {@code {msg, I}} and sends Driver {@code {counted, N, SumOfI}};</li>
 *   <li>the echo server answers each {@code GenServer.call} with its request.</li>
 * </ul>
 *
 * <p>The node's EPMD is the one on {@code epmdPort}: an {@code epmd} that {@link PairRunner} started
 * for a pair with an {@code erl} in it, or, for {@code jarl_jarl}, the embedded EPMD that the
 * receiving node starts when nothing answers on that port.
 */
public final class JarlDist {
    static final String COUNTER = "jarl_bench_counter";
    static final String ECHO = "jarl_bench_echo";
    static final Atom COUNT = Atom.of("count");
    static final Atom COUNTING = Atom.of("counting");
    static final Atom COUNTED = Atom.of("counted");
    static final Atom MSG = Atom.of("msg");

    /** What the receiver prints once it serves; {@link PairRunner} waits for it. */
    static final String READY = "# dist_ready node=";

    /** How long the driver waits for the counter (the BEAM side waits as long). */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private JarlDist() {}

    public static void main(String[] args) throws Exception {
        LoggerFactory.getILoggerFactory();
        try {
            switch (args.length > 0 ? args[0] : "") {
                case "receiver" -> {
                    if (args.length != 4) {
                        throw new IllegalArgumentException("receiver takes <cookie> <epmdPort> <sname>");
                    }
                    receiver(args[1], Integer.parseInt(args[2]), args[3]);
                }
                case "sender" -> {
                    if (args.length < 7 || !(args[2].equals("quick") || args[2].equals("full"))) {
                        throw new IllegalArgumentException(
                                "sender takes <pair> <quick|full> <cookie> <epmdPort> <sname> <peer> scenario...");
                    }
                    Pair pair = Pair.of(args[1]).orElseThrow(() -> new IllegalArgumentException("unknown pair " + args[1]));
                    List<Scenario> scenarios = Scenario.parse(Arrays.asList(args).subList(7, args.length));
                    sender(pair, Sizes.of(args[2].equals("quick")), args[3], Integer.parseInt(args[4]), args[5],
                            args[6], scenarios, r -> {
                                System.out.println(r.line());
                                System.out.flush();
                            }, note -> {
                                System.out.println(note);
                                System.out.flush();
                            });
                }
                default -> throw new IllegalArgumentException("usage: JarlDist receiver|sender ...");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("JarlDist: " + e.getMessage());
            System.exit(2);
        }
        System.exit(0); // the node is closed; don't wait for stray threads
    }

    // ---------------------------------------------------------------- the receiving node

    /** Starts the node and its two services, says so, and serves until standard input ends. */
    static void receiver(String cookie, int epmdPort, String sname) throws IOException {
        try (Node node = Node.start(NodeOptions.sname(sname).withCookie(cookie).withEpmdPort(epmdPort))) {
            Pid echo = GenServer.start(new JarlRuntime.EchoServer(), StartOptions.named(ECHO)).orElseThrow();
            Pid counter = Jarl.spawn(SpawnOptions.defaults().register(COUNTER), JarlDist::counter);
            System.out.println(READY + node.name());
            System.out.flush();
            while (System.in.read() >= 0) {
                // PairRunner closes our input when the pair is done (or it died)
            }
            Jarl.exit(counter, ExitReason.kill());
            GenServer.stop(echo);
        }
    }

    /** The counter: for each {@code {count, N, Driver}}, counts N {@code {msg, I}} and reports their sum. */
    private static void counter() {
        for (;;) {
            Tuple start = receive(m -> m instanceof Tuple t && t.isTagged(COUNT, 3) ? t : skip());
            if (!(start.get(1) instanceof Long n) || n < 0 || !(start.get(2) instanceof Pid driver)) {
                throw new IllegalArgumentException("expected {count, N, Driver}, got " + start);
            }
            send(driver, Tuple.of(COUNTING, self()));
            long sum = 0;
            for (long i = 0; i < n; i++) {
                Object m = receive();
                if (!(m instanceof Tuple t && t.isTagged(MSG, 2) && t.get(1) instanceof Long value)) {
                    throw new IllegalArgumentException("expected {msg, I}, got " + m);
                }
                sum += value;
            }
            send(driver, Tuple.of(COUNTED, n, sum));
        }
    }

    // ---------------------------------------------------------------- the sending node

    /** Connects to {@code peer} and runs {@code scenarios} against it; results go to {@code out}. */
    static void sender(Pair pair, Sizes s, String cookie, int epmdPort, String sname, String peer,
                       List<Scenario> scenarios, Consumer<Result> out, Consumer<String> notes) throws IOException {
        try (Node node = Node.start(NodeOptions.sname(sname).withCookie(cookie).withEpmdPort(epmdPort)
                .withEmbeddedEpmd(false))) {
            if (!node.connect(peer)) {
                throw new IllegalStateException(node.name() + " cannot connect to " + peer);
            }
            String runtime = pair.id();
            for (Scenario scenario : scenarios) {
                switch (scenario) {
                    case DIST_SEND -> {
                        double[] rates = Jarl.run(() -> {
                            sendRun(peer, s.distSendWarm(), s.distSenders());
                            double[] r = new double[s.distSendRuns()];
                            for (int i = 0; i < r.length; i++) {
                                r[i] = sendRun(peer, s.distSend(), s.distSenders());
                            }
                            return r;
                        });
                        notes.accept(BenchChild.note(scenario.id, runtime, scenario.unit, rates));
                        out.accept(new Result(scenario.id, runtime, Stats.median(rates), scenario.unit));
                    }
                    case DIST_CALL -> {
                        RemoteName echo = new RemoteName(ECHO, peer);
                        double[] rtts = Jarl.run(() -> {
                            rttRun(echo, s.distRttWarm());
                            double[] r = new double[s.distRttRuns()];
                            for (int i = 0; i < r.length; i++) {
                                r[i] = rttRun(echo, s.distRtt());
                            }
                            return r;
                        });
                        String rtt = Scenario.DIST_CALL_RTT;
                        notes.accept(BenchChild.note(rtt, runtime, scenario.unit(rtt), rtts));
                        out.accept(new Result(rtt, runtime, Stats.median(rtts), scenario.unit(rtt)));
                        double[] rates = Jarl.run(() -> {
                            JarlRuntime.callRun(Scenario.DIST_CALLERS, s.distCallWarmMillis(), c -> echoCall(echo, c));
                            double[] r = new double[s.distCallRuns()];
                            for (int i = 0; i < r.length; i++) {
                                r[i] = JarlRuntime.callRun(Scenario.DIST_CALLERS, s.distCallMillis(),
                                        c -> echoCall(echo, c));
                            }
                            return r;
                        });
                        String many = Scenario.DIST_CALL_MANY;
                        notes.accept(BenchChild.note(many, runtime, scenario.unit(many), rates));
                        out.accept(new Result(many, runtime, Stats.median(rates), scenario.unit(many)));
                    }
                    default -> throw new IllegalArgumentException(scenario.id + " is not a distributed scenario");
                }
            }
        }
    }

    /**
     * One run of dist_send: {@code senders} processes send {@code {msg, I}} for I in 0..n-1 (sender k
     * the I with I mod senders = k) to the counter; messages per second from telling them to start
     * until the counter reports all n.
     */
    static double sendRun(String peer, int n, int senders) {
        Pid me = self();
        send(new RemoteName(COUNTER, peer), Tuple.of(COUNT, (long) n, me));
        Pid counter = receive(m -> m instanceof Tuple t && t.isTagged(COUNTING, 2) && t.get(1) instanceof Pid p
                ? p : skip(), WAIT).orElseThrow(() -> new IllegalStateException(
                        "no counter on " + peer + " answered in " + WAIT));
        Pid[] ps = new Pid[senders];
        for (int k = 0; k < senders; k++) {
            long first = k;
            ps[k] = spawn(() -> {
                receive(JarlRuntime.Go.class);
                for (long i = first; i < n; i += senders) {
                    send(counter, Tuple.of(MSG, i));
                }
            });
        }
        long t0 = System.nanoTime();
        JarlRuntime.Go go = new JarlRuntime.Go(t0);
        for (Pid p : ps) {
            send(p, go);
        }
        Tuple counted = receive(m -> m instanceof Tuple t && t.isTagged(COUNTED, 3) ? t : skip(), WAIT)
                .orElseThrow(() -> new IllegalStateException("the counter on " + peer + " did not report " + n
                        + " messages in " + WAIT));
        long t1 = System.nanoTime();
        long expected = (long) n * (n - 1) / 2;
        if (!counted.get(1).equals((long) n) || !counted.get(2).equals(expected)) {
            throw new IllegalStateException("expected {counted, " + n + ", " + expected + "}, got " + counted);
        }
        return n * 1e9 / (t1 - t0);
    }

    /** One run of dist_call_rtt: {@code n} calls one after the other, each timed; the median in µs. */
    static double rttRun(RemoteName echo, int n) {
        double[] us = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            echoCall(echo, i);
            us[i] = (System.nanoTime() - t0) / 1e3;
        }
        return Stats.median(us);
    }

    /** {@code GenServer.call(echo, request)} with the default 5 s timeout; checks the echo. */
    private static void echoCall(RemoteName echo, long request) {
        Object reply = GenServer.call(echo, request);
        if (!(reply instanceof Long r) || r != request) {
            throw new IllegalStateException(echo + " answered " + reply + " to " + request);
        }
    }
}
