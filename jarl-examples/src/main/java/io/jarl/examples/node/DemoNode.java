package io.jarl.examples.node;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.dist.Cookie;
import io.jarl.dist.EpmdException;
import io.jarl.dist.Node;
import io.jarl.dist.NodeName;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.term.TermMapper;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The program behind {@code bin/jarl node}: a Jarl node that Erlang nodes talk to (OTP: a node
 * started with {@code erl -sname NAME}, running a small supervised application).
 *
 * <pre>
 *   bin/jarl node --sname jarl                      # jarl@&lt;this host&gt;, cookie from ~/.erlang.cookie
 *   bin/jarl node --name jarl@10.0.0.5 --cookie C   # a long name and an explicit cookie
 * </pre>
 * It prints {@code ready <node>} once it accepts connections, and runs until Ctrl-C or SIGTERM (a
 * shutdown hook stops it cleanly: the supervision tree, then the connections and the EPMD
 * registration), or, with {@code --stop-on-eof}, until its standard input closes. An Erlang node
 * then uses it as any other node:
 * <pre>{@code
 * $ erl -sname e1
 * 1> N = 'jarl@vm'.
 * 2> net_adm:ping(N).
 * pong
 * 3> gen_server:call({echo, N}, hello).
 * hello
 * 4> gen_server:call({counter, N}, incr).
 * 1
 * 5> rpc:call(N, jarl_demo, reverse, [<<"abc">>]).
 * <<"cba">>
 * }</pre>
 *
 * <h2>What it hosts</h2>
 * <pre>
 * demo_sup     Supervisor, one_for_one (at most 10 restarts in 10 s)
 * ├── echo     {@link EchoServer}: a call replies with its request; {Pid, Term} is answered {echo, Term}
 * └── counter  {@link CounterServer}: get, incr, crash (exits with reason crashed; restarted at 0)
 * </pre>
 * and, for {@code rpc:call} and {@code erpc:call}, {@code jarl_demo:reverse/1} ({@link Reverse}) plus
 * the functions every Jarl node serves, {@code erlang:node/0} and {@code erlang:whereis/1}. Nothing
 * else can be called: {@code rpc:call(N, os, cmd, ["ls"])} is {@code {badrpc, {'EXIT', {undef, ...}}}}.
 *
 * <h2>EPMD and the cookie</h2>
 * As for {@code erl}: EPMD's port is {@code ERL_EPMD_PORT}'s, or 4369; when no EPMD runs there the
 * node starts one inside itself (which ends with the node; {@code --no-start-epmd} fails instead).
 * The cookie is {@code --cookie}'s, or the one in {@code ~/.erlang.cookie} (created if missing).
 *
 * <h2>Exit status</h2>
 * 0 after standard input closed ({@code --stop-on-eof}); 2 for bad arguments (with the usage); 1 if
 * the node cannot start (the name is taken, EPMD cannot be reached, the port cannot be bound) or if
 * its supervision tree gave up (too many restarts). Ctrl-C and SIGTERM end the JVM as a signal does
 * (130, 143), after the clean stop.
 *
 * <h2>Where Java differs</h2>
 * One node per JVM, so {@link #start} cannot run twice at once in a program. There is no shell: the
 * node is driven from the Erlang side.
 */
public final class DemoNode implements AutoCloseable {
    /*
     * Implementation overview
     *
     * start() makes the JVM a node first (so a taken name fails before anything runs), then starts
     * the supervision tree unlinked from the caller (main is a plain thread). The tree's names are
     * registered names, which is what {echo, N} and {counter, N} address from other nodes. close()
     * stops in the opposite order, as init:stop/0 stops the applications before the kernel's
     * net_kernel: callers with monitors on echo or counter see shutdown, then the connections close.
     *
     * run() waits for one of three ends, whichever comes first, on a CompletableFuture: standard
     * input closing (a daemon thread reading it), the tree ending (a process monitoring the top
     * supervisor), or a signal (the shutdown hook, which does the stopping itself before it completes
     * the future, since the JVM halts as soon as the hooks are done, whatever main is doing). stop() is
     * synchronized and idempotent, so the hook and main may both call it; only the first prints
     * "stopped".
     */

    /** The registered names of the tree's processes. */
    public static final String SUPERVISOR = "demo_sup", ECHO = "echo", COUNTER = "counter";

    /** What the command line asks for. */
    sealed interface Command {
        /** Start the node with {@code options}; stop when standard input closes if {@code stopOnEof}. */
        record Run(NodeOptions options, boolean stopOnEof) implements Command {}

        /** Print the usage; {@code problem} is empty for {@code --help}. */
        record Usage(String problem) implements Command {}
    }

    static final String USAGE = """
            usage: bin/jarl node (--sname NAME | --name NAME@HOST) [--cookie COOKIE] [--no-start-epmd] [--stop-on-eof]
              --sname NAME      a short node name: NAME@<this host> (as erl -sname)
              --name NAME@HOST  a long node name: HOST a fully qualified name or an IP address (as erl -name)
              --cookie COOKIE   the magic cookie (default: the one in ~/.erlang.cookie, as erl)
              --no-start-epmd   fail when no EPMD runs (default: start one inside the node)
              --stop-on-eof     stop when standard input closes (for scripts and tests)
            Prints "ready <node>" when it accepts connections; runs until Ctrl-C. EPMD's port is
            ERL_EPMD_PORT's, or 4369, as for erl.""";

    private final Node node;
    private final Pid supervisor;
    private boolean closed;

    private DemoNode(Node node, Pid supervisor) {
        this.node = node;
        this.supervisor = supervisor;
    }

    // ------------------------------------------------------------------ the command line

    static Command parse(List<String> args, Map<String, String> environment) {
        String name = null;
        NodeName.Domain domain = null;
        Optional<Cookie> cookie = Optional.empty();
        boolean startEpmd = true, stopOnEof = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-h", "--help" -> {
                    return new Command.Usage("");
                }
                case "--sname", "--name" -> {
                    if (name != null) {
                        return new Command.Usage("give one of --sname and --name, once");
                    }
                    if (i + 1 == args.size()) {
                        return new Command.Usage(arg + " needs a node name");
                    }
                    name = args.get(++i);
                    domain = arg.equals("--sname") ? NodeName.Domain.SHORT : NodeName.Domain.LONG;
                }
                case "--cookie" -> {
                    if (cookie.isPresent()) {
                        return new Command.Usage("--cookie given twice");
                    }
                    if (i + 1 == args.size()) {
                        return new Command.Usage("--cookie needs a cookie");
                    }
                    try {
                        cookie = Optional.of(Cookie.of(args.get(++i)));
                    } catch (IllegalArgumentException e) {
                        return new Command.Usage("bad cookie: " + e.getMessage());
                    }
                }
                case "--no-start-epmd" -> startEpmd = false;
                case "--stop-on-eof" -> stopOnEof = true;
                default -> {
                    return new Command.Usage("unknown argument: " + arg);
                }
            }
        }
        if (name == null) {
            return new Command.Usage("a node name is needed: --sname NAME or --name NAME@HOST");
        }
        try {
            NodeName.local(name, domain); // the checks Node.start makes, here so that they are usage errors
        } catch (IllegalArgumentException e) {
            return new Command.Usage(e.getMessage());
        } catch (UncheckedIOException e) {
            // this machine's host name is unknown: not the arguments' fault; the start reports it
        }
        int epmdPort;
        try {
            epmdPort = epmdPort(environment);
        } catch (IllegalArgumentException e) {
            return new Command.Usage(e.getMessage());
        }
        NodeOptions options = (domain == NodeName.Domain.SHORT ? NodeOptions.sname(name) : NodeOptions.longName(name))
                .withEpmdPort(epmdPort).withEmbeddedEpmd(startEpmd);
        return new Command.Run(cookie.map(options::withCookie).orElse(options), stopOnEof);
    }

    /** EPMD's port as erl finds it: {@code ERL_EPMD_PORT}, or 4369. */
    private static int epmdPort(Map<String, String> environment) {
        String text = environment.get("ERL_EPMD_PORT");
        if (text == null) {
            return 4369;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("ERL_EPMD_PORT is not a port number: " + text);
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.in, System.out, System.err));
    }

    /**
     * Runs the program: returns its exit status once it has stopped (standard input closed with
     * {@code --stop-on-eof}, or the tree gave up), or at once for bad arguments or a failed start.
     */
    static int run(List<String> args, Map<String, String> environment, InputStream in, PrintStream out,
            PrintStream err) {
        return switch (parse(args, environment)) {
            case Command.Usage(String problem) when problem.isEmpty() -> {
                out.println(USAGE);
                yield 0;
            }
            case Command.Usage(String problem) -> {
                err.println("bin/jarl node: " + problem);
                err.println(USAGE);
                yield 2;
            }
            case Command.Run(NodeOptions options, boolean stopOnEof) -> serve(options, stopOnEof, in, out, err);
        };
    }

    private static int serve(NodeOptions options, boolean stopOnEof, InputStream in, PrintStream out, PrintStream err) {
        DemoNode demo;
        try {
            demo = start(options);
        } catch (IOException | UncheckedIOException | IllegalStateException | ExitException e) {
            err.println("bin/jarl node: " + whyNotStarted(options, e));
            return 1;
        }
        String name = demo.name();
        CompletableFuture<String> ended = new CompletableFuture<>();
        String signal = "signal", eof = "standard input closed";
        Thread hook = new Thread(() -> { // the JVM ends when this returns: stop here, not in main
            if (demo.stop()) {
                out.println("stopped " + name);
                out.flush();
            }
            ended.complete(signal);
        }, "jarl-node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Jarl.spawn(() -> { // the tree's end is the program's end
            Ref ref = Jarl.monitor(demo.supervisor);
            ExitReason reason = Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d.reason() : Jarl.skip());
            ended.complete("the supervision tree ended: " + reason);
        });
        if (stopOnEof) {
            Thread.ofPlatform().daemon().name("jarl-node-stdin").start(() -> {
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // an unreadable input ends as a closed one
                }
                ended.complete(eof);
            });
        }
        out.println("ready " + name);
        out.flush();

        String why = ended.join();
        if (!demo.stop()) {
            return 0; // a signal: the hook stopped it (and the tree's end, if that came first, was its doing)
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // a signal came meanwhile: its hook finds the node stopped
        }
        out.println("stopped " + name);
        if (why.equals(eof)) {
            return 0;
        }
        err.println("bin/jarl node: " + why);
        return 1;
    }

    /** What to tell the user when the node could not start: erl's reasons, with what to do. */
    static String whyNotStarted(NodeOptions options, Exception e) {
        String node;
        try {
            node = NodeName.local(options.name(), options.domain()).toString();
        } catch (RuntimeException unknownHost) {
            node = options.name();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EpmdException epmd) {
                switch (epmd.reason()) {
                    case NAME_TAKEN -> {
                        return "the name " + node + " seems to be in use by another Erlang node (EPMD on port "
                                + options.epmdPort() + " has it registered); choose another name";
                    }
                    case UNREACHABLE -> {
                        return "cannot start node " + node + ": no EPMD answers on port " + options.epmdPort()
                                + (options.startEpmd() ? "" : " (without --no-start-epmd the node starts its own)")
                                + ": " + epmd.getMessage();
                    }
                    default -> {
                        return "cannot start node " + node + ": EPMD on port " + options.epmdPort()
                                + " did not register it: " + epmd.getMessage();
                    }
                }
            }
        }
        return "cannot start node " + node + ": " + e.getMessage();
    }

    // ------------------------------------------------------------------ the node

    /**
     * Makes this JVM the node {@code options} describe, exporting {@code jarl_demo:reverse/1} and
     * mapping the counter's requests ({@code get}, {@code incr}, {@code crash}) to
     * {@link CounterServer.Call}, and starts the supervision tree (not linked to the caller).
     *
     * @throws IOException if the node cannot start (see {@link Node#start})
     * @throws IllegalStateException if this JVM is already a node
     * @throws ExitException if the tree cannot start (a name it registers is taken)
     */
    public static DemoNode start(NodeOptions options) throws IOException {
        Node node = Node.start(options.export("jarl_demo", "reverse", 1, Reverse::apply)
                .registerEnum(CounterServer.Call.class));
        try {
            return new DemoNode(node, startTree(node.mapper()));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private static Pid startTree(TermMapper mapper) {
        List<ChildSpec> children = List.of(
                ChildSpec.worker(ECHO, () -> GenServer.startLink(new EchoServer(), StartOptions.named(ECHO))),
                ChildSpec.worker(COUNTER, () -> GenServer.startLink(new CounterServer(mapper), StartOptions.named(COUNTER))));
        SupervisorFlags flags = SupervisorFlags.oneForOne().withIntensity(10).withPeriod(Duration.ofSeconds(10));
        return switch (Supervisor.start(flags, children, StartOptions.named(SUPERVISOR))) {
            case StartResult.Ok(Pid pid) -> pid;
            case StartResult.Ignored() -> throw new IllegalStateException("the demo supervisor ignored its start");
            case StartResult.Failed(ExitReason reason) -> throw new ExitException(reason, "starting the demo node's tree");
        };
    }

    /** The node's name, {@code alive@host}. */
    public String name() {
        return node.name();
    }

    /** The node. */
    public Node node() {
        return node;
    }

    /** The top supervisor, registered as {@value #SUPERVISOR}. */
    public Pid supervisor() {
        return supervisor;
    }

    /** Stops the tree, then the node ({@link #stop()}); does nothing if it has stopped. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Stops the tree, then the node (its connections close and its name leaves EPMD). Returns whether
     * this call stopped it ({@code false} if it had stopped already).
     */
    public synchronized boolean stop() {
        if (closed) {
            return false;
        }
        closed = true;
        try {
            Supervisor.stop(supervisor);
        } catch (ExitException e) {
            if (!(e.reason() instanceof ExitReason.NoProc)) {
                node.close();
                throw e;
            }
        }
        node.close();
        return true;
    }

    @Override
    public String toString() {
        return "DemoNode[" + node + "]";
    }
}
