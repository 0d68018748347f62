package io.jarl.dist;

import io.jarl.ExitException;
import io.jarl.Jarl;
import io.jarl.RemoteName;
import io.jarl.dist.internal.DistNode;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.DecodeLimits;
import io.jarl.dist.term.TermMapper;
import io.jarl.dist.term.Tuple;
import io.jarl.server.GenServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * This JVM as a node of an Erlang cluster (OTP: a distributed node, {@code erl -sname NAME}): it
 * registers with EPMD, accepts and makes connections to Erlang, Elixir and other Jarl nodes over the
 * Erlang distribution protocol, and from then on Jarl processes send to, link, monitor and call
 * processes of other nodes with the same API as local ones.
 *
 * {@snippet :
 * try (Node node = Node.start(NodeOptions.sname("jarl").withCookie("secret"))) {
 *     Jarl.run(() -> {
 *         // a registered process on an Erlang node, called like a local GenServer
 *         Object reply = GenServer.call(new RemoteName("counter", "e1@host"), Atom.of("get"));
 *         Pid pid = ...;                   // pids from other nodes arrive in messages
 *         Jarl.link(pid);                  // links, monitors and exits cross nodes
 *         return null;
 *     });
 * }
 * }
 *
 * <h2>What crosses</h2>
 * Messages are mapped to Erlang terms by the node's {@link TermMapper} ({@link #mapper()}):
 * strings as UTF-8 binaries, records and enums registered in {@link NodeOptions} as tagged tuples and
 * atoms, pids and references as themselves (pids of other nodes are {@link io.jarl.RemotePid}s).
 * {@code GenServer.call}, {@code cast} and replies use the gen protocol of OTP 24+, so a Jarl
 * GenServer answers {@code gen_server:call({Name, JarlNode}, Req)} and a Jarl process calls Erlang
 * gen_servers. Exit reasons: {@code ExitReason.of("text")} is the atom {@code text}; the named
 * reasons ({@code normal}, {@code shutdown}, {@code killed}, {@code noproc}...) are their atoms; a
 * Java exception is {@code {'its.Class', <<"its message">>}}.
 *
 * <h2>Services</h2>
 * A Jarl node runs {@code net_kernel} (so {@code net_adm:ping} answers {@code pong}) and {@code rex},
 * and serves erpc's spawn requests, so {@code rpc:call}, {@code erpc:call} and {@code rpc:cast} from
 * other nodes reach the Java functions exported in {@link NodeOptions#export} — and nothing else
 * (anything not exported is {@code undef}). Built in: {@code erlang:node/0}, {@code erlang:whereis/1}.
 *
 * <h2>Differences from the BEAM</h2>
 * One node per JVM. Pass-through framing only (no atom cache, no fragments: large messages go in one
 * frame). No TLS distribution, no {@code global}, no sequential tracing (traced signals are applied
 * without their token). Spawning arbitrary functions from another node ({@code spawn(Node, M, F, A)})
 * is refused ({@code notsup}): only exported functions run.
 */
public final class Node implements AutoCloseable {
    private static volatile Node current;

    private final DistNode node;

    private Node(DistNode node) {
        this.node = node;
    }

    /**
     * Makes this JVM a node (OTP: {@code net_kernel:start/1}).
     *
     * @throws IOException if the port cannot be bound, EPMD cannot be reached (and none could be
     *     started), the name is taken in EPMD, or the cookie file cannot be read
     * @throws IllegalStateException if this JVM is already a node
     */
    public static synchronized Node start(NodeOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        if (current != null && !current.node.isClosed()) {
            throw new IllegalStateException("this JVM is already the node " + current.name());
        }
        NodeName name = NodeName.local(options.name(), options.domain());
        Cookie cookie = options.cookie().isPresent() ? options.cookie().get() : Cookie.fromErlangCookieFile();
        TermMapper.Builder types = TermMapper.builder();
        for (Class<? extends Record> r : options.records()) {
            types.registerRecord(r);
        }
        for (Class<? extends Enum<?>> e : options.enums()) {
            registerEnum(types, e);
        }
        DistNode.Config config = new DistNode.Config(name, cookie, options.hidden(), options.tickTime(),
                options.epmdPort(), options.startEpmd(), options.port(), options.portMax(),
                options.listenAddress().isPresent() ? options.listenAddress().get() : InetAddress.getByName("0.0.0.0"),
                Duration.ofSeconds(7), 64, 128 << 20, DecodeLimits.DEFAULT, types, options.exports());
        Node node = new Node(DistNode.start(config));
        current = node;
        return node;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerEnum(TermMapper.Builder types, Class<? extends Enum<?>> e) {
        types.registerEnum((Class) e);
    }

    /** The running node, if this JVM is one. */
    public static Optional<Node> current() {
        Node n = current;
        return n == null || n.node.isClosed() ? Optional.empty() : Optional.of(n);
    }

    /** This node's name (OTP: {@code node()}). */
    public String name() {
        return node.nodeName();
    }

    /** This node's creation, from EPMD. */
    public int creation() {
        return node.creation();
    }

    /** The port this node accepts connections on. */
    public int port() {
        return node.port();
    }

    /** How messages map to Erlang terms on this node. */
    public TermMapper mapper() {
        return node.mapper();
    }

    /**
     * Connects to {@code node} and waits for the handshake, up to 14 s (OTP:
     * {@code net_kernel:connect_node/1}). Sending, linking, monitoring or calling connect on their
     * own; this is for when a connection is wanted before anything is sent.
     */
    public boolean connect(String node) {
        return this.node.connect(node, Duration.ofSeconds(14));
    }

    /**
     * Whether {@code node} answers (OTP: {@code net_adm:ping/1} returning {@code pong}): connects
     * and calls its {@code net_kernel}.
     */
    public boolean ping(String node) {
        try {
            Object answer = GenServer.call(new RemoteName("net_kernel", node),
                    Tuple.of(Atom.of("is_auth"), Atom.of(name())), Duration.ofSeconds(15));
            return Atom.of("yes").equals(answer);
        } catch (ExitException e) {
            return false;
        }
    }

    /** The visible nodes this node is connected to (OTP: {@code nodes()}). */
    public List<String> nodes() {
        return node.nodes(true);
    }

    /** The hidden nodes this node is connected to (OTP: {@code nodes(hidden)}). */
    public List<String> hiddenNodes() {
        return node.nodes(false);
    }

    /**
     * Subscribes the calling process to {@link NodeUp} and {@link NodeDown} messages for visible
     * nodes (OTP: {@code net_kernel:monitor_nodes/1}); {@code false} unsubscribes.
     */
    public void monitorNodes(boolean on) {
        node.monitorNodes(Jarl.self(), on);
    }

    /**
     * The calling process gets one {@link NodeDown} when {@code node} disconnects, or at once if it
     * cannot be connected (OTP: {@code erlang:monitor_node/2}); {@code false} removes one such
     * monitor.
     */
    public void monitorNode(String node, boolean on) {
        this.node.monitorNode(Jarl.self(), node, on);
    }

    /** Closes the connection to {@code node} (OTP: {@code erlang:disconnect_node/1}). */
    public boolean disconnect(String node) {
        return this.node.disconnect(node);
    }

    /**
     * Calls {@code module:function(args)} on {@code node} and returns its value (OTP:
     * {@code rpc:call/5}, through the node's {@code rex}). Arguments and the value are mapped by
     * {@link #mapper()}.
     *
     * @throws RpcException with the {@code badrpc} reason if the call failed there (an undefined
     *     function, an exception)
     * @throws ExitException if the node cannot be reached ({@code noconnection}) or does not answer
     *     in time
     */
    public Object rpc(String node, String module, String function, List<?> args, Duration timeout) {
        Object request = Tuple.of(Atom.of("call"), Atom.of(module), Atom.of(function), mapper().toTerm(args),
                Atom.of("user"));
        Object answer = GenServer.call(new RemoteName("rex", node), request, timeout);
        if (answer instanceof Tuple t && t.arity() == 2 && Atom.of("badrpc").equals(t.get(0))) {
            throw new RpcException(node, module + ":" + function + "/" + args.size(), t.get(1));
        }
        return answer;
    }

    /**
     * Stops being a node: connections close (links and monitors across them get
     * {@code noconnection}), the name leaves EPMD.
     */
    @Override
    public void close() {
        node.close();
    }

    @Override
    public String toString() {
        return "Node[" + name() + (node.isClosed() ? ", stopped" : "") + "]";
    }
}
