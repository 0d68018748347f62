package io.jarl.dist.internal;

import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;
import io.jarl.dist.Cookie;
import io.jarl.dist.HandshakeException;
import io.jarl.dist.NodeDown;
import io.jarl.dist.NodeName;
import io.jarl.dist.NodeUp;
import io.jarl.dist.RpcFunction;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.DecodeLimits;
import io.jarl.dist.term.ErlList;
import io.jarl.dist.term.ErlPid;
import io.jarl.dist.term.ErlRef;
import io.jarl.dist.term.TermMapper;
import io.jarl.dist.term.Tuple;
import io.jarl.internal.Core;
import io.jarl.internal.Distribution;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation overview.
 *
 * The distribution layer of a running node (what net_kernel and erts's dist entries do for the
 * BEAM), installed into the runtime as its Distribution:
 * - start: bind the listen socket, register with EPMD (starting an embedded one if none runs and
 *   the options allow), take the creation EPMD gives, then install into the runtime, start the
 *   services (net_kernel, rex), accept handshakes and tick.
 * - connections: one DistConnection per peer name in `connections`. A signal for a node without
 *   one makes it (auto-connect, as the BEAM does on first send) in the PENDING state, where signals
 *   queue, and a virtual thread dials. Handshakes in both directions end in established(), which
 *   marks the ConnectionTable (the net_kernel rules for simultaneous connects) and brings the
 *   connection up. A failed dial closes the pending connection: its queued signals are dropped and
 *   every link and monitor to that node gets noconnection (Core.nodeDown), as on the BEAM.
 * - services: REG_SEND to net_kernel and rex reach ordinary GenServers registered under those names
 *   (NetKernel, Rex below); SPAWN_REQUEST for erpc's execute_call/execute_cast runs an exported
 *   function (the allow-list) in a process of its own, answered as erpc expects.
 * - node monitors: processes subscribed with monitorNodes get NodeUp/NodeDown for visible nodes;
 *   monitorNode subscribers get one NodeDown when that node goes.
 * - stopped: signals to other nodes behave as on a BEAM node that is no longer alive (sends and
 *   exit signals dropped, links and monitors answered noconnection); so does the runtime once this
 *   is uninstalled.
 * Known limit: the noconnection sweep (Core.nodeDown) goes by node name, not by connection, as the
 * runtime keeps links and monitors without the connection they were made on. A link or monitor
 * made over a new connection to the same node in the instant between the old connection leaving
 * the table and its sweep reaching that process is broken by the old sweep (the BEAM tags each
 * with its connection id).
 */
public final class DistNode implements Distribution, AutoCloseable {
    /** How long a stopping node lets each connection send what was queued before it closes. */
    private static final Duration STOP_FLUSH = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger("io.jarl.dist");

    /** What a node is started with. */
    public record Config(NodeName name, Cookie cookie, boolean hidden, Duration tickTime, int epmdPort,
                         boolean startEpmd, int listenPortMin, int listenPortMax, InetAddress bindAddress,
                         Duration setupTime,
                         int maxPendingHandshakes, int maxFrameBytes, DecodeLimits decodeLimits,
                         TermMapper.Builder types, Map<String, RpcFunction> exports) {
        public Config {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(cookie, "cookie");
            Objects.requireNonNull(tickTime, "tickTime");
            Objects.requireNonNull(setupTime, "setupTime");
            Objects.requireNonNull(decodeLimits, "decodeLimits");
            Objects.requireNonNull(types, "types");
            exports = Map.copyOf(exports);
        }
    }

    private final Config config;
    private final Core core = Core.get();
    private final ConnectionTable table = new ConnectionTable();
    private final ConcurrentHashMap<String, DistConnection> connections = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Pid> nodeSubscribers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, List<Pid>> nodeWatchers = new ConcurrentHashMap<>();
    private final Map<String, RpcFunction> exports;

    private ServerSocket server;
    private EmbeddedEpmd embeddedEpmd;
    private EpmdRegistration registration;
    private HandshakeConfig handshakeConfig;
    private HandshakeAcceptor acceptor;
    private Wire wire;
    private Thread ticker;
    private volatile boolean closed;
    private final List<Pid> services = new ArrayList<>();

    private DistNode(Config config) {
        this.config = config;
        java.util.HashMap<String, RpcFunction> all = new java.util.HashMap<>(config.exports());
        all.putIfAbsent("erlang:node/0", args -> Atom.of(nodeName()));
        all.putIfAbsent("erlang:whereis/1", args -> args.getFirst() instanceof Atom a
                ? core.whereis(a.name()).<Object>map(p -> p).orElse(Atom.UNDEFINED) : Atom.UNDEFINED);
        this.exports = Map.copyOf(all);
    }

    /** Starts the node: EPMD, the listener, the services. */
    public static DistNode start(Config config) throws IOException {
        DistNode node = new DistNode(config);
        try {
            node.open();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /**
     * A listening socket on the first free port of {@code min..max} (0: any port), as the kernel's
     * {@code inet_dist_listen_min/max}; a BindException naming the range if every port is taken.
     */
    static ServerSocket listen(InetAddress address, int min, int max) throws IOException {
        for (int port = min; ; port++) {
            ServerSocket s = new ServerSocket();
            try {
                s.bind(new InetSocketAddress(address, port));
                return s;
            } catch (java.net.BindException e) {
                s.close();
                if (port >= max) {
                    java.net.BindException all = new java.net.BindException("cannot listen for distribution on "
                            + address.getHostAddress() + (min == max ? " port " + min : " ports " + min + ".." + max)
                            + ": " + (min == max ? "taken" : "all taken") + " (" + e.getMessage() + ")");
                    all.initCause(e);
                    throw all;
                }
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }

    private void open() throws IOException {
        server = listen(config.bindAddress(), config.listenPortMin(), config.listenPortMax());
        if (config.startEpmd()) {
            embeddedEpmd = EmbeddedEpmd.startIfAbsent(config.epmdPort()).orElse(null);
        }
        try {
            registration = EpmdClient.local(config.epmdPort()).register(config.name().alive(), server.getLocalPort());
        } catch (io.jarl.dist.EpmdException e) {
            // Keep the type, so that callers can check its reason (the name is taken, EPMD is down).
            throw new io.jarl.dist.EpmdException(e.reason(), "cannot register " + config.name() + " with EPMD on port "
                    + config.epmdPort() + ": " + e.getMessage(), e);
        }
        handshakeConfig = HandshakeConfig.of(config.name(), registration.creation(), config.cookie())
                .withHidden(config.hidden()).withSetupTime(config.setupTime());
        wire = new Wire(config.name().toString(), registration.creation(), config.types());
        core.install(this);
        services.add(NetKernel.start(this));
        services.add(Rex.start(this));
        acceptor = HandshakeAcceptor.start(server, handshakeConfig, table, config.maxPendingHandshakes(),
                new HandshakeAcceptor.Listener() {
                    @Override
                    public void connected(HandshakeResult result) {
                        established(result);
                    }

                    @Override
                    public void failed(HandshakeException failure) {
                        log.debug("an incoming handshake failed: {}", failure.getMessage());
                    }
                });
        ticker = Thread.ofVirtual().name("jarl-dist-ticker").start(this::tickLoop);
        log.info("node {} is up (creation {}, port {}, {})", config.name(), Integer.toUnsignedString(creation()),
                server.getLocalPort(), config.hidden() ? "hidden" : "visible");
    }

    Wire wire() {
        return wire;
    }

    DecodeLimits decodeLimits() {
        return config.decodeLimits();
    }

    int maxFrameBytes() {
        return config.maxFrameBytes();
    }

    public NodeName name() {
        return config.name();
    }

    public int port() {
        return server.getLocalPort();
    }

    public TermMapper mapper() {
        return wire.mapper();
    }

    RpcFunction export(String module, String function, int arity) {
        return exports.get(module + ":" + function + "/" + arity);
    }

    // ------------------------------------------------------------------ Distribution

    @Override
    public String nodeName() {
        return config.name().toString();
    }

    @Override
    public int creation() {
        return registration.creation();
    }

    @Override
    public boolean isConnected(String node) {
        DistConnection c = connections.get(node);
        return c != null && c.state() == DistConnection.State.UP;
    }

    @Override
    public void send(Pid from, RemotePid to, Object message) {
        if (isSelf(to.node())) {
            return; // a pid of an earlier run of this node: dead
        }
        DistConnection c = connection(to.node());
        if (c != null) {
            c.signal(new Signal.Send(from, to, message));
        }
    }

    @Override
    public void send(Pid from, RemoteName to, Object message) {
        DistConnection c = connection(to.node());
        if (c != null) {
            c.signal(new Signal.RegSend(from, to.name(), message));
        }
    }

    @Override
    public void sendAlias(Pid from, Ref alias, Object message) {
        if (isSelf(alias.node())) {
            return;
        }
        DistConnection c = connection(alias.node());
        if (c != null) {
            c.signal(new Signal.AliasSend(from, alias, message));
        }
    }

    @Override
    public boolean link(Pid from, RemotePid to) {
        if (isSelf(to.node())) {
            core.exitSignal(to, from, ExitReason.noproc(), true);
            return true;
        }
        DistConnection c = connection(to.node());
        if (c == null) {
            return false; // the runtime answers noconnection
        }
        c.link(from, to);
        return true;
    }

    @Override
    public void unlink(Pid from, RemotePid to) {
        DistConnection c = connections.get(to.node());
        if (c != null) {
            c.unlink(from, to);
        }
    }

    @Override
    public void linkExit(Pid from, RemotePid to, ExitReason reason) {
        DistConnection c = connections.get(to.node());
        if (c != null) {
            c.linkExit(from, to, reason);
        }
    }

    @Override
    public void exit(Pid from, RemotePid to, ExitReason reason) {
        DistConnection c = isSelf(to.node()) ? null : connection(to.node());
        if (c != null) {
            c.signal(new Signal.Exit2(from, to, reason));
        }
    }

    @Override
    public boolean monitor(Pid watcher, Ref ref, Object target) {
        if (target instanceof RemotePid pid && isSelf(pid.node())) {
            core.down(watcher, ref, pid, ExitReason.noproc());
            return true;
        }
        Signal.MonitorP signal = switch (target) {
            case RemotePid pid -> new Signal.MonitorP(watcher, pid, ref);
            case RemoteName name -> new Signal.MonitorP(watcher, name.name(), ref);
            default -> throw new IllegalArgumentException("not a remote process: " + target);
        };
        DistConnection c = connection(target instanceof RemotePid pid ? pid.node() : ((RemoteName) target).node());
        if (c == null) {
            return false; // the runtime answers noconnection
        }
        c.signal(signal);
        return true;
    }

    @Override
    public void demonitor(Pid watcher, Ref ref, Object target) {
        String node = target instanceof RemotePid p ? p.node() : ((RemoteName) target).node();
        DistConnection c = connections.get(node);
        if (c != null) {
            Object proc = target instanceof RemoteName n ? n.name() : target;
            c.signal(new Signal.DemonitorP(watcher, proc, ref));
        }
    }

    @Override
    public void monitorExit(Pid dead, Pid watcher, Ref ref, Object object, ExitReason reason) {
        if (object instanceof DistConnection.Watched(DistConnection c, Object what)) {
            c.monitorExit(ref, watcher, what, reason);
        }
    }

    private boolean isSelf(String node) {
        return node.equals(nodeName());
    }

    // ------------------------------------------------------------------ connections

    /**
     * The connection to {@code node}, made (and dialled) if there is none; null once this node is
     * stopped. The callers then do what a BEAM node that is no longer alive does: drop a send or an
     * exit signal, answer a link or a monitor with noconnection. (This used to throw, so a process
     * that signalled another node while this one was closing, say in answer to the noconnection
     * of its links, crashed with an IllegalStateException.)
     */
    DistConnection connection(String node) {
        DistConnection c = connections.get(node);
        if (c != null && c.state() != DistConnection.State.DOWN) {
            return c;
        }
        if (closed) {
            return null;
        }
        if (c != null) {
            // Closing, by another thread: wait until it has left the connection table (local work,
            // no network), or the new connection's dial would find the peer still connected and
            // give up, dropping what is sent.
            try {
                c.awaitReleased(config.setupTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        NodeName peer = NodeName.parse(node);
        DistConnection fresh = new DistConnection(this, peer);
        if (c != null) {
            connections.remove(node, c);
        }
        c = connections.putIfAbsent(node, fresh);
        if (c != null) {
            return c;
        }
        Thread.ofVirtual().name("jarl-dist-connect-" + node).start(() -> dial(fresh));
        return fresh;
    }

    private void dial(DistConnection c) {
        dial(c, 0);
    }

    /** {@code retries}: how often a lost simultaneous connect sent this dial back to wait (at most 3). */
    private void dial(DistConnection c, int retries) {
        Optional<HandshakeAttempt> attempt = table.beginConnect(c.peer);
        if (attempt.isEmpty()) {
            // A handshake from the peer is under way (or its connection is being brought up): it will
            // bring this connection up through established(). Give up if it does not in time.
            try {
                Optional<ConnectionTable.State> settled = table.awaitSettled(c.peer, config.setupTime().multipliedBy(2));
                if (settled.isPresent()) {
                    // The peer's handshake made a connection: established() marks the table up, then
                    // brings this connection up. Wait for that second step too. (This checked the
                    // connection's state right after the table's, and closed it when established()
                    // had marked the table but not yet brought the connection up: a simultaneous
                    // connect then lost the connection both sides had just agreed on.)
                    c.awaitSettled(config.setupTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (c.state() == DistConnection.State.PENDING) {
                c.close("no connection to " + c.peerName);
            }
            return;
        }
        try {
            HandshakeResult result = Handshake.connect(handshakeConfig, c.peer, config.epmdPort(), table, attempt.get());
            established(result);
        } catch (HandshakeException e) {
            log.debug("cannot connect to {}: {}", c.peerName, e.getMessage());
            boolean peerIsDialling = e.reason() == HandshakeException.Reason.SIMULTANEOUS_NOK
                    || e.reason() == HandshakeException.Reason.SUPERSEDED;
            if (c.state() == DistConnection.State.PENDING && table.state(c.peer).isEmpty()
                    && (!peerIsDialling || retries >= 3)) {
                c.close(e.getMessage());
            } else if (c.state() == DistConnection.State.PENDING) {
                // The peer's own attempt won the simultaneous connect: wait for it to reach our
                // acceptor (it may not have yet: a nok can come before the peer's own dial arrives),
                // keeping what was queued meanwhile, as a pending connection of the BEAM does.
                if (peerIsDialling && table.state(c.peer).isEmpty()) {
                    awaitPeerAttempt(c);
                }
                dial(c, retries + 1);
            }
        }
    }

    /** Waits up to the setup time for the peer's own handshake to show in the table. */
    private void awaitPeerAttempt(DistConnection c) {
        try {
            table.awaitEntry(c.peer, config.setupTime());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** A handshake (ours or the peer's) completed. */
    void established(HandshakeResult result) {
        String name = result.peer().toString();
        if (closed) {
            closeQuietly(result);
            return;
        }
        while (true) {
            DistConnection c = connections.computeIfAbsent(name, n -> new DistConnection(this, result.peer()));
            if (c.state() == DistConnection.State.DOWN) {
                connections.remove(name, c);
                continue;
            }
            if (c.state() == DistConnection.State.UP || !table.markUp(result.peer(), result.attempt(), c)) {
                closeQuietly(result);
                return;
            }
            if (!c.up(result)) {
                table.connectionDown(result.peer(), c);
                closeQuietly(result);
                return;
            }
            log.debug("connected to {} ({})", name, result);
            if (c.visible()) {
                for (Pid p : nodeSubscribers) {
                    Jarl.send(p, new NodeUp(name));
                }
            }
            return;
        }
    }

    private static void closeQuietly(HandshakeResult result) {
        try {
            result.socket().close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** A connection ended, or a dial failed. */
    void connectionDown(DistConnection c, String reason) {
        connections.remove(c.peerName, c);
        boolean wasUp = table.state(c.peer).isPresent();
        table.connectionDown(c.peer, c);
        c.released();
        core.nodeDown(c.peerName);
        if (wasUp) {
            log.debug("connection to {} down: {}", c.peerName, reason);
        }
        if (c.visible()) {
            for (Pid p : nodeSubscribers) {
                Jarl.send(p, new NodeDown(c.peerName, reason));
            }
        }
        List<Pid> watchers = nodeWatchers.remove(c.peerName);
        if (watchers != null) {
            for (Pid p : watchers) {
                Jarl.send(p, new NodeDown(c.peerName, reason));
            }
        }
    }

    /** Connects to {@code node} and waits for the handshake (OTP: {@code net_kernel:connect_node/1}). */
    public boolean connect(String node, Duration timeout) {
        if (isSelf(node)) {
            return true;
        }
        DistConnection c = connection(node);
        if (c == null) {
            return false; // this node is stopped
        }
        try {
            return c.awaitSettled(timeout) == DistConnection.State.UP;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes the connection to {@code node} (OTP: {@code erlang:disconnect_node/1}). */
    public boolean disconnect(String node) {
        DistConnection c = connections.get(node);
        if (c == null || c.state() != DistConnection.State.UP) {
            return false;
        }
        c.close("disconnect");
        return true;
    }

    /** The connected nodes (OTP: {@code nodes(visible)} or {@code nodes(hidden)}). */
    public List<String> nodes(boolean visible) {
        List<String> out = new ArrayList<>();
        for (DistConnection c : connections.values()) {
            if (c.state() == DistConnection.State.UP && c.visible() == visible) {
                out.add(c.peerName);
            }
        }
        out.sort(null);
        return out;
    }

    /** Subscribes (or not) {@code pid} to NodeUp and NodeDown of visible nodes. */
    public void monitorNodes(Pid pid, boolean on) {
        if (on) {
            nodeSubscribers.addIfAbsent(pid);
        } else {
            nodeSubscribers.remove(pid);
        }
        nodeSubscribers.removeIf(p -> !p.isAlive());
    }

    /** {@code pid} gets one NodeDown when {@code node} goes (connecting to it first, as OTP). */
    public void monitorNode(Pid pid, String node, boolean on) {
        if (!on) {
            nodeWatchers.computeIfPresent(node, (n, l) -> {
                List<Pid> copy = new ArrayList<>(l);
                copy.remove(pid);
                return copy.isEmpty() ? null : copy;
            });
            return;
        }
        DistConnection c = connection(node);
        if (c == null) {
            Jarl.send(pid, new NodeDown(node, "node " + nodeName() + " is stopped"));
            return;
        }
        nodeWatchers.compute(node, (n, l) -> {
            List<Pid> copy = l == null ? new ArrayList<>() : new ArrayList<>(l);
            copy.add(pid);
            return copy;
        });
        if (c.state() == DistConnection.State.DOWN && nodeWatchers.remove(node) != null) {
            Jarl.send(pid, new NodeDown(node, c.downReason()));
        }
    }

    private void tickLoop() {
        long tick = config.tickTime().toNanos();
        while (!closed) {
            try {
                Thread.sleep(Duration.ofNanos(tick / 4));
            } catch (InterruptedException e) {
                return;
            }
            for (DistConnection c : connections.values()) {
                c.tick(tick);
            }
        }
    }

    // ------------------------------------------------------------------ spawn requests (erpc)

    private static final Atom ERPC = Atom.of("erpc");
    private static final Atom EXECUTE_CALL = Atom.of("execute_call");
    private static final Atom EXECUTE_CAST = Atom.of("execute_cast");

    /** {@code {29, ReqId, From, GroupLeader, {M, F, Arity}, Opts}} with {@code args}. */
    void spawnRequest(DistConnection c, Tuple t, Object args) throws DistConnection.ProtocolException {
        if (!(t.get(1) instanceof Ref request) || !(t.get(2) instanceof RemotePid from)
                || !(t.get(4) instanceof Tuple mfa) || mfa.arity() != 3 || !(t.get(5) instanceof ErlList opts)
                || !(args instanceof ErlList argList)) {
            throw new DistConnection.ProtocolException("malformed SPAWN_REQUEST: " + t);
        }
        boolean monitor = opts.elements().contains(Atom.of("monitor"));
        boolean link = opts.elements().contains(Atom.of("link"));
        List<Object> a = argList.elements();
        boolean call = ERPC.equals(mfa.get(0)) && EXECUTE_CALL.equals(mfa.get(1)) && a.size() == 4;
        boolean cast = ERPC.equals(mfa.get(0)) && EXECUTE_CAST.equals(mfa.get(1)) && a.size() == 3;
        if (!call && !cast) {
            // Only erpc's requests are served: arbitrary spawns from another node are not allowed.
            c.signal(new Signal.SpawnReply(request, from, 0, "notsup"));
            return;
        }
        Object m = a.get(call ? 1 : 0), f = a.get(call ? 2 : 1), fargs = a.get(call ? 3 : 2);
        Pid worker = Jarl.spawn(() -> {
            Jarl.receive(Go.class);
            if (cast) {
                // A cast has no result reference and nobody to answer (a tuple holding a null
                // reference used to crash the worker after the function ran).
                run(m, f, fargs, false);
                return;
            }
            Object outcome = apply(m, f, fargs, a.get(0));
            if (monitor) {
                // Answer through the monitor ourselves, then end normally: the result is the "exit
                // reason" erpc expects, but it is not a failure worth a crash report here.
                core.demonitored(Jarl.self(), request);
                c.monitorExit(request, from, Jarl.self(), ExitReason.of(outcome));
            }
            if (link) {
                throw new io.jarl.ExitException(ExitReason.of(outcome), "erpc call done");
            }
        });
        int flags = 0;
        if (monitor && core.monitored(from, request, worker, new DistConnection.Watched(c, worker))) {
            flags |= 2;
        }
        if (link && core.linked(from, worker)) {
            flags |= 1;
        }
        c.signal(new Signal.SpawnReply(request, from, flags, worker));
        Jarl.send(worker, new Go());
    }

    private record Go() {}

    /**
     * What running an exported function gave: its value, or (when {@code error} is set) the error
     * reason and the stack (null for a bad request) that erpc and rpc report.
     */
    private record Outcome(Object value, Object error, Object stack) {
        static Outcome returned(Object value) {
            return new Outcome(value, null, null);
        }
    }

    /** Runs an exported function for erpc: {@code {Res, return, V}} or {@code {Res, error, R, Stack}}. */
    private Object apply(Object m, Object f, Object fargs, Object res) {
        Outcome o = run(m, f, fargs, true);
        if (o.error() == null) {
            return Tuple.of(res, Atom.of("return"), o.value());
        }
        return o.stack() == null ? Tuple.of(res, Atom.of("error"), o.error())
                : Tuple.of(res, Atom.of("error"), o.error(), o.stack());
    }

    private Outcome run(Object m, Object f, Object fargs, boolean call) {
        if (!(m instanceof Atom module) || !(f instanceof Atom function) || !(fargs instanceof ErlList list)
                || !list.isProper()) {
            return new Outcome(null, Tuple.of(Atom.of("erpc"), Atom.of("badarg")), null);
        }
        List<Object> args = list.elements();
        RpcFunction fn = export(module.name(), function.name(), args.size());
        if (fn == null) {
            // As an undefined function on the BEAM: error undef, with the call as the stack.
            return new Outcome(null, Atom.of("undef"), ErlList.of(Tuple.of(module, function, list, ErlList.NIL)));
        }
        try {
            List<Object> javaArgs = new ArrayList<>();
            for (Object arg : args) {
                javaArgs.add(wire.mapper().fromTerm(arg));
            }
            Object value = fn.apply(List.copyOf(javaArgs));
            return Outcome.returned(wire.mapper().toTerm(value));
        } catch (Exception | LinkageError e) {
            if (!call) {
                log.warn("rpc cast {}:{}/{} failed", module, function, args.size(), e);
            }
            // An ExitException's reason is the error as Erlang sees it (e.g. ExitReason.of("badarg")
            // is error:badarg); any other exception is {'its.Class', <<"its message">>}.
            ExitReason reason = e instanceof io.jarl.ExitException x ? x.reason() : ExitReason.crash(e);
            return new Outcome(null, wire.toTerm(reason),
                    ErlList.of(Tuple.of(module, function, (long) args.size(), ErlList.NIL)));
        }
    }

    /**
     * Runs an exported function for rex: the value, or {@code {badrpc, {'EXIT', {Reason, Stack}}}}.
     * (Built without erpc's result reference: rex calls have none, and a null in a tuple is not a
     * term, which made every rex call to a Jarl node crash its worker and time out.)
     */
    Object applyForRex(Object m, Object f, Object fargs) {
        Outcome o = run(m, f, fargs, true);
        if (o.error() == null) {
            return o.value();
        }
        Object reason = o.stack() == null ? o.error() : Tuple.of(o.error(), o.stack());
        return Tuple.of(Atom.of("badrpc"), Tuple.of(Atom.of("EXIT"), reason));
    }

    // ------------------------------------------------------------------ stop

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (acceptor != null) {
            acceptor.close();
        }
        for (DistConnection c : List.copyOf(connections.values())) {
            c.close("node stopped", STOP_FLUSH);
        }
        for (Pid service : services) {
            Jarl.exit(service, ExitReason.kill());
        }
        if (ticker != null) {
            ticker.interrupt();
        }
        if (wire != null) {
            core.uninstall(this);
        }
        if (registration != null) {
            registration.close();
        }
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        if (embeddedEpmd != null) {
            embeddedEpmd.close();
        }
        if (acceptor != null) {
            log.info("node {} stopped", config.name()); // only a node that was up says so
        }
    }

    public boolean isClosed() {
        return closed;
    }

    Set<String> exportNames() {
        return exports.keySet();
    }
}
