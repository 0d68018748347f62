package io.jarl.dist;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a node in a cluster, {@code alive@host} (OTP: the atom returned by {@code node()};
 * the rules are {@code net_kernel}'s and {@code dist_util}'s).
 *
 * <p>A node name has two parts: the <em>alive</em> name, which is what the node registers in EPMD
 * on its host, and the host the node runs on. {@code NodeName.parse("e1@vm")} is the node that
 * {@code erl -sname e1} starts on the host {@code vm}; {@code NodeName.parse("e1@vm.example.com")}
 * is the one {@code erl -name e1@vm.example.com} starts.
 *
 * {@snippet :
 * NodeName me = NodeName.local("java", NodeName.Domain.SHORT);   // java@<this host, no domain>
 * NodeName peer = NodeName.parse("e1@vm");
 * peer.alive();                                                 // "e1": the name to ask EPMD for
 * peer.host();                                                  // "vm": where that EPMD runs
 * peer.checkUsableIn(NodeName.Domain.SHORT);                    // fine; "e1@vm.example.com" would throw
 * }
 *
 * <h2>Short and long names</h2>
 * A cluster uses either short names ({@code erl -sname}: the host has no dot) or long names
 * ({@code erl -name}: the host is a fully qualified domain name or an IP address), never both: a
 * short-names node refuses to dial a dotted host and a long-names node refuses a host without a dot
 * that is not an IP address ({@code inet_tcp_dist:splitnode/3}). {@link #checkUsableIn(Domain)}
 * applies that rule; {@link #local(String, Domain)} builds this node's own name the way
 * {@code net_kernel} does at start.
 *
 * <h2>What a name may contain</h2>
 * Two kinds of names are validated differently, as in OTP:
 * <ul>
 *   <li>Names received from other nodes ({@link #parse(String)}, {@link #NodeName(String, String)})
 *       need only the structure {@code dist_util} checks: exactly one {@code @}, a non-empty part on
 *       each side. Characters are Latin-1 (the handshake writes names with
 *       {@code atom_to_binary(Node, latin1)}), no NUL, and the whole name is an atom, so at most
 *       255 characters.</li>
 *   <li>This node's own name ({@link #local(String, Domain)}) must also satisfy
 *       {@code net_kernel}: the alive part is ASCII letters, digits, {@code _} and {@code -}; the
 *       host is printable ({@code !} to {@code ÿ}).</li>
 * </ul>
 *
 * <h2>Equality and order</h2>
 * Two names are equal when their text is (case matters, as for atoms). They are ordered as Erlang
 * orders atoms, character by character; the simultaneous-connect rule of {@code net_kernel} (the
 * node with the greater name keeps its own connection attempt) uses this order.
 *
 * @param alive the part before the {@code @}, registered in EPMD
 * @param host the part after the {@code @}
 */
public record NodeName(String alive, String host) implements Comparable<NodeName> {

    /** How a cluster writes host names (OTP: {@code name_domain}, {@code shortnames | longnames}). */
    public enum Domain {
        /** Hosts without a dot, as {@code erl -sname} (OTP: {@code shortnames}). */
        SHORT,
        /** Fully qualified hosts or IP addresses, as {@code erl -name} (OTP: {@code longnames}). */
        LONG
    }

    /** An atom has at most 255 characters, and a node name is an atom. */
    public static final int MAX_LENGTH = 255;

    /** {@code net_kernel:valid_name_head/1}: what this node's own alive name may contain. */
    private static final Pattern LOCAL_ALIVE = Pattern.compile("[0-9A-Za-z_\\-]+");

    /**
     * Creates the name {@code alive@host}, checking the structure every node name has.
     *
     * @throws IllegalArgumentException if a part is empty, contains {@code @}, NUL or a character
     *     above U+00FF, or the whole name is longer than 255 characters
     */
    public NodeName {
        Objects.requireNonNull(alive, "alive");
        Objects.requireNonNull(host, "host");
        if (alive.isEmpty()) {
            throw new IllegalArgumentException("invalid node name '" + alive + "@" + host + "': the alive part before '@' is empty");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("invalid node name '" + alive + "@': the host part after '@' is empty");
        }
        if (alive.length() + 1 + host.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("invalid node name '" + alive + "@" + host + "': "
                    + (alive.length() + 1 + host.length()) + " characters, but a node name is an atom of at most "
                    + MAX_LENGTH);
        }
        checkCharacters(alive, "alive part", alive, host);
        checkCharacters(host, "host", alive, host);
    }

    private static void checkCharacters(String part, String what, String alive, String host) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '@') {
                throw new IllegalArgumentException("invalid node name '" + alive + "@" + host
                        + "': a node name has exactly one '@'");
            }
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException("invalid node name '" + alive + "@" + host + "': the " + what
                        + " contains U+" + String.format("%04X", (int) c)
                        + "; node names are Latin-1 without NUL (the handshake sends them as Latin-1)");
            }
        }
    }

    /**
     * Parses {@code alive@host} as a name received from or given for another node: exactly one
     * {@code @} with a non-empty part on each side ({@code dist_util:is_node_name/1}).
     *
     * @throws IllegalArgumentException with the reason, if {@code name} is not a node name
     */
    public static NodeName parse(String name) {
        Objects.requireNonNull(name, "name");
        int at = name.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("invalid node name '" + name + "': no '@' (a node name is alive@host)");
        }
        return new NodeName(name.substring(0, at), name.substring(at + 1));
    }

    /** The name {@code alive@host} ({@link #NodeName(String, String)}). */
    public static NodeName of(String alive, String host) {
        return new NodeName(alive, host);
    }

    /**
     * This node's own name, built as {@code net_kernel} builds it from {@code erl -sname Name}
     * ({@link Domain#SHORT}) or {@code erl -name Name} ({@link Domain#LONG}).
     *
     * <p>{@code name} is either an alive name, and the host is then this machine's (the host name
     * up to its first dot for short names; the fully qualified name for long names), or a full
     * {@code alive@host}. The alive part must match {@code [0-9A-Za-z_-]+}; a short name's host must
     * not contain a dot; a long name's host must contain one or be an IP address.
     *
     * <p>Java differs from OTP 25 in one place: OTP accepts {@code erl -name a@vm} (a long name with
     * a host without a dot), but no other long-names node can then dial it. This method refuses it
     * at once.
     *
     * @throws IllegalArgumentException with OTP's reason if the name is not allowed
     * @throws UncheckedIOException if the host is needed and this machine's cannot be found
     */
    public static NodeName local(String name, Domain domain) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
        int at = name.indexOf('@');
        String alive = at < 0 ? name : name.substring(0, at);
        String host = at < 0 ? defaultHost(domain) : name.substring(at + 1);
        if (!LOCAL_ALIVE.matcher(alive).matches()) {
            throw new IllegalArgumentException("invalid node name '" + name
                    + "': the alive part must be ASCII letters, digits, '_' and '-' (net_kernel:valid_name_head/1)");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("invalid node name '" + name + "': the host part after '@' is empty");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < '!' || c > 0xFF) {
                throw new IllegalArgumentException("invalid node name '" + name + "': the host contains U+"
                        + String.format("%04X", (int) c) + "; a host is printable Latin-1, '!' to 'ÿ'");
            }
        }
        NodeName node = new NodeName(alive, host);
        node.checkUsableIn(domain);
        return node;
    }

    /**
     * Whether nodes of {@code domain} can dial this node ({@code inet_tcp_dist:splitnode/3}): a
     * short name has no dot in its host; a long name has one, or its host is an IP address.
     */
    public boolean isUsableIn(Domain domain) {
        return switch (domain) {
            case SHORT -> host.indexOf('.') < 0;
            case LONG -> host.indexOf('.') >= 0 || isIpLiteral(host);
        };
    }

    /**
     * Returns this name if nodes of {@code domain} can dial it.
     *
     * @throws IllegalArgumentException with the reason {@code inet_tcp_dist} logs, otherwise
     */
    public NodeName checkUsableIn(Domain domain) {
        if (!isUsableIn(domain)) {
            throw new IllegalArgumentException(switch (domain) {
                case SHORT -> "node name " + this + " is a long name: a system running short names (-sname) "
                        + "cannot use the fully qualified host '" + host + "'";
                case LONG -> "node name " + this + " is a short name: a system running long names (-name) "
                        + "needs a fully qualified host or an IP address, not '" + host + "'";
            });
        }
        return this;
    }

    /** This machine's host name as {@code net_kernel} uses it for {@code domain}. */
    static String defaultHost(Domain domain) {
        String hostName;
        try {
            hostName = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new UncheckedIOException("cannot find this machine's host name for a node name"
                    + " (give the name as alive@host): " + e.getMessage(), e);
        }
        return switch (domain) {
            case SHORT -> {
                int dot = hostName.indexOf('.');
                yield dot < 0 ? hostName : hostName.substring(0, dot);
            }
            case LONG -> {
                if (hostName.indexOf('.') >= 0) {
                    yield hostName;
                }
                String canonical;
                try {
                    canonical = InetAddress.getLocalHost().getCanonicalHostName();
                } catch (UnknownHostException e) {
                    canonical = hostName;
                }
                if (canonical.indexOf('.') >= 0 && !isIpLiteral(canonical)) {
                    yield canonical;
                }
                throw new IllegalArgumentException("Can't set long node name: this machine's host name '" + hostName
                        + "' has no domain part; give the name as alive@host.domain or alive@ip-address");
            }
        };
    }

    /** Whether {@code host} is written as an IPv4 or IPv6 address ({@code inet:parse_address/1}). */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)
                    && parses(host);
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean parses(String ipv6) {
        try {
            InetAddress.ofLiteral(ipv6);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Erlang's order of atoms: character by character. */
    @Override
    public int compareTo(NodeName other) {
        return toString().compareTo(other.toString());
    }

    /** {@code alive@host}. */
    @Override
    public String toString() {
        return alive + "@" + host;
    }
}
