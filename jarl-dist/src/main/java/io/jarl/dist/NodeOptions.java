package io.jarl.dist;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ArrayList;

/**
 * How to start a {@link Node} (OTP: the command line of {@code erl -sname}/{@code -name},
 * {@code -setcookie}, {@code -hidden} and the kernel parameters {@code net_ticktime},
 * {@code inet_dist_listen_min}). Immutable: every {@code with...} returns a changed copy.
 *
 * {@snippet :
 * NodeOptions options = NodeOptions.sname("jarl")          // jarl@<this host>
 *         .withCookie("secret")                            // default: ~/.erlang.cookie, as erl
 *         .export("jarl_demo", "reverse", 1, args -> ...)  // callable by rpc:call from other nodes
 *         .registerRecord(Ping.class);                     // {ping, ...} arrives as a Ping
 * }
 *
 * @param name       this node's name: an alive name (the host is this machine's) or {@code alive@host}
 * @param domain     short names ({@code -sname}) or long names ({@code -name}); a cluster uses one
 * @param cookie     the cookie; empty: read {@code ~/.erlang.cookie} (created if missing), as erl does
 * @param hidden     a hidden node ({@code -hidden}): not in other nodes' {@code nodes()}, no global
 * @param tickTime   OTP's {@code net_ticktime}: a peer silent this long is disconnected (default 60 s)
 * @param epmdPort   EPMD's port (default 4369, or {@code ERL_EPMD_PORT})
 * @param startEpmd  start an embedded EPMD when none answers on {@code epmdPort} (default true)
 * @param port       the distribution port to listen on, or the first of a range; 0 for any free one
 *                   (the default; OTP: {@code inet_dist_listen_min})
 * @param portMax    the last port of the range ({@code inet_dist_listen_max}); {@code port} itself
 *                   for one port, 0 with {@code port} 0
 * @param listenAddress the address to listen on ({@code inet_dist_use_interface}); empty: every
 *                   interface, as erl
 * @param exports    the functions other nodes may call ({@code module:function/arity} to function)
 * @param records    record types that cross the wire as tagged tuples (TermMapper registration)
 * @param enums      enum types that cross the wire as atoms
 */
public record NodeOptions(String name, NodeName.Domain domain, Optional<Cookie> cookie, boolean hidden,
                          Duration tickTime, int epmdPort, boolean startEpmd, int port, int portMax,
                          Optional<InetAddress> listenAddress, Map<String, RpcFunction> exports,
                          List<Class<? extends Record>> records,
                          List<Class<? extends Enum<?>>> enums) {
    public NodeOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(tickTime, "tickTime");
        if (tickTime.compareTo(Duration.ofMillis(400)) < 0) {
            throw new IllegalArgumentException("tickTime must be at least 400 ms: " + tickTime);
        }
        Objects.requireNonNull(listenAddress, "listenAddress");
        if (epmdPort < 1 || epmdPort > 65535 || port < 0 || port > 65535) {
            throw new IllegalArgumentException("ports are 1..65535 (0: any, for the listen port)");
        }
        if (port == 0 ? portMax != 0 : portMax < port || portMax > 65535) {
            throw new IllegalArgumentException("the listen ports are a range min..max within 1..65535 (or 0: any): "
                    + port + ".." + portMax);
        }
        exports = Map.copyOf(exports);
        records = List.copyOf(records);
        enums = List.copyOf(enums);
    }

    /** A node with a short name ({@code erl -sname name}). */
    public static NodeOptions sname(String name) {
        return new NodeOptions(name, NodeName.Domain.SHORT, Optional.empty(), false, Duration.ofSeconds(60),
                epmdPortFromEnvironment(), true, 0, 0, Optional.empty(), Map.of(), List.of(), List.of());
    }

    /** A node with a long name ({@code erl -name name}). */
    public static NodeOptions longName(String name) {
        return sname(name).withDomain(NodeName.Domain.LONG);
    }

    private static int epmdPortFromEnvironment() {
        String env = System.getenv("ERL_EPMD_PORT");
        if (env != null) {
            try {
                return Integer.parseInt(env.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ERL_EPMD_PORT is not a port number: " + env);
            }
        }
        return 4369;
    }

    public NodeOptions withDomain(NodeName.Domain domain) {
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                listenAddress, exports, records, enums);
    }

    public NodeOptions withCookie(Cookie cookie) {
        return new NodeOptions(name, domain, Optional.of(cookie), hidden, tickTime, epmdPort, startEpmd, port,
                portMax, listenAddress, exports, records, enums);
    }

    public NodeOptions withCookie(String cookie) {
        return withCookie(Cookie.of(cookie));
    }

    public NodeOptions withHidden(boolean hidden) {
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                listenAddress, exports, records, enums);
    }

    public NodeOptions withTickTime(Duration tickTime) {
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                listenAddress, exports, records, enums);
    }

    public NodeOptions withEpmdPort(int epmdPort) {
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                listenAddress, exports, records, enums);
    }

    /** Whether to start an embedded EPMD when none runs (default true). */
    public NodeOptions withEmbeddedEpmd(boolean start) {
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, start, port, portMax,
                listenAddress, exports, records, enums);
    }

    /** Listen on {@code port} only; 0 (the default): any free port. */
    public NodeOptions withPort(int port) {
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, port,
                listenAddress, exports, records, enums);
    }

    /**
     * Listen on the first free port of {@code min..max} (OTP: {@code inet_dist_listen_min} and
     * {@code inet_dist_listen_max}), for a firewall that opens only those; the node does not start
     * if all are taken.
     */
    public NodeOptions withPortRange(int min, int max) {
        if (min < 1) {
            throw new IllegalArgumentException("a port range starts at 1 or above: " + min + ".." + max);
        }
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, min, max,
                listenAddress, exports, records, enums);
    }

    /**
     * Listen on {@code address} only (OTP: {@code inet_dist_use_interface}), such as the loopback
     * address for a node that only local nodes may reach; by default every interface.
     */
    public NodeOptions withListenAddress(InetAddress address) {
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                Optional.of(Objects.requireNonNull(address, "address")), exports, records, enums);
    }

    /** Lets other nodes call {@code module:function/arity} (rpc, erpc): runs {@code function}. */
    public NodeOptions export(String module, String function, int arity, RpcFunction fn) {
        Objects.requireNonNull(fn, "fn");
        if (arity < 0 || arity > 255) {
            throw new IllegalArgumentException("arity is 0..255: " + arity);
        }
        Map<String, RpcFunction> e = new LinkedHashMap<>(exports);
        e.put(module + ":" + function + "/" + arity, fn);
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                listenAddress, e, records, enums);
    }

    /** Lets {@code type} cross the wire as a tagged tuple ({@code record Ping(Pid from)} is {@code {ping, From}}). */
    public NodeOptions registerRecord(Class<? extends Record> type) {
        List<Class<? extends Record>> r = new ArrayList<>(records);
        r.add(type);
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                listenAddress, exports, r, enums);
    }

    /** Lets {@code type}'s constants cross the wire as atoms. */
    public NodeOptions registerEnum(Class<? extends Enum<?>> type) {
        List<Class<? extends Enum<?>>> e = new ArrayList<>(enums);
        e.add(type);
        return new NodeOptions(name, domain, cookie, hidden, tickTime, epmdPort, startEpmd, port, portMax,
                listenAddress, exports, records, e);
    }
}
