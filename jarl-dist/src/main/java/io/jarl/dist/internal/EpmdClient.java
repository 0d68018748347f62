package io.jarl.dist.internal;

import static io.jarl.dist.internal.EpmdProtocol.getInt;
import static io.jarl.dist.internal.EpmdProtocol.getShort;
import static io.jarl.dist.internal.EpmdProtocol.putShort;

import io.jarl.dist.EpmdException;
import io.jarl.dist.EpmdException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of EPMD, the port mapper daemon: it registers this node's name and port, looks up other
 * nodes' ports, and lists the names registered on a host (OTP: {@code erl_epmd}).
 *
 * {@snippet :
 * EpmdClient epmd = EpmdClient.local();                       // 127.0.0.1, port from ERL_EPMD_PORT or 4369
 * try (EpmdRegistration me = epmd.register("java", listenPort)) {
 *     int creation = me.creation();                           // goes into every pid, port and ref
 *     Optional<EpmdClient.PortInfo> e1 = EpmdClient.at("vm").portPlease("e1");
 *     List<EpmdClient.Registered> all = epmd.names();          // as net_adm:names()
 * }                                                           // closing unregisters
 * }
 *
 * <h2>The port</h2>
 * EPMD listens on 4369 unless the environment variable {@code ERL_EPMD_PORT} names another port;
 * the factories without a port honour it, as {@code erl} does. Tests pass a private port so that
 * they never meet a system EPMD.
 *
 * <h2>Timeouts and errors</h2>
 * Connecting and each reply are bounded by {@link #timeout()} (10 s, as {@code erl_epmd} waits
 * for a reply). Every failure is an {@link EpmdException} whose reason says whether EPMD is not
 * there, refused the name, closed the connection, was too slow or answered garbage, and whose
 * message names the EPMD address and the node.
 *
 * <p>This client is immutable and safe to share; each request uses its own TCP connection, as EPMD
 * closes a connection after answering (except a registration's, which it keeps).
 */
public final class EpmdClient {
    /** How long {@code erl_epmd} waits for EPMD to answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** A names reply longer than this is not from EPMD (each line is at most about 1 KiB). */
    private static final int MAX_NAMES_REPLY = 1 << 20;

    /** A node's entry in EPMD, as {@code PORT_PLEASE2_REQ} returns it ({@code PORT2_RESP}). */
    public record PortInfo(String name, int port, int nodeType, int protocol, int highestVersion, int lowestVersion,
            byte[] extra) {
        public PortInfo {
            Objects.requireNonNull(name, "name");
            extra = extra.clone();
        }

        @Override
        public byte[] extra() {
            return extra.clone();
        }

        /**
         * The distribution version to use with this node: the highest both support, or 0 if the
         * ranges do not overlap (OTP: {@code erl_epmd:select_best_version/4}). Jarl's range is OTP
         * 25's, 5 to 6; like OTP 25 it sends the version 6 name message whatever this says, so a
         * node registered with versions 5 to 5 (an OTP 23 or 24 node started with
         * {@code ERL_EPMD_DIST_HIGH=5}) is still dialled.
         */
        public int bestVersion() {
            int ourLow = EpmdProtocol.LOWEST_VERSION;
            int ourHigh = EpmdProtocol.HIGHEST_VERSION;
            if (ourLow > highestVersion || lowestVersion > ourHigh) {
                return 0;
            }
            return Math.min(ourHigh, highestVersion);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PortInfo p && name.equals(p.name) && port == p.port && nodeType == p.nodeType
                    && protocol == p.protocol && highestVersion == p.highestVersion
                    && lowestVersion == p.lowestVersion && Arrays.equals(extra, p.extra);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, port, nodeType, protocol, highestVersion, lowestVersion, Arrays.hashCode(extra));
        }

        @Override
        public String toString() {
            return "PortInfo[name=" + name + ", port=" + port + ", nodeType=" + nodeType + ", protocol=" + protocol
                    + ", versions=" + lowestVersion + ".." + highestVersion + ", extra=" + extra.length + " bytes]";
        }
    }

    /** One line of {@code NAMES_RESP}: {@code name Name at port Port}. */
    public record Registered(String name, int port) {
        public Registered {
            Objects.requireNonNull(name, "name");
        }
    }

    private final String host;
    private final int port;
    private final Duration timeout;

    private EpmdClient(String host, int port, Duration timeout) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port number: " + port);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive: " + timeout);
        }
        this.port = port;
        this.timeout = timeout;
    }

    /** The EPMD on this machine (127.0.0.1, where {@code erl} registers) at the environment's port. */
    public static EpmdClient local() {
        return local(portFromEnvironment());
    }

    /** The EPMD on this machine (127.0.0.1) at {@code port}. */
    public static EpmdClient local(int port) {
        return new EpmdClient("127.0.0.1", port, DEFAULT_TIMEOUT);
    }

    /** The EPMD on {@code host} at the environment's port (where a node {@code x@host} registered). */
    public static EpmdClient at(String host) {
        return at(host, portFromEnvironment());
    }

    /** The EPMD on {@code host} at {@code port}. */
    public static EpmdClient at(String host, int port) {
        return new EpmdClient(host, port, DEFAULT_TIMEOUT);
    }

    /** This client with another bound on connecting and on each reply. */
    public EpmdClient withTimeout(Duration timeout) {
        return new EpmdClient(host, port, timeout);
    }

    /**
     * The EPMD port this process should use: {@code ERL_EPMD_PORT} if set, else 4369.
     *
     * @throws IllegalArgumentException if {@code ERL_EPMD_PORT} is set but not a port number
     */
    public static int portFromEnvironment() {
        return EpmdProtocol.portFrom(System.getenv());
    }

    /** The host this client asks. */
    public String host() {
        return host;
    }

    /** The port this client asks. */
    public int port() {
        return port;
    }

    /** The bound on connecting and on each reply. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Registers {@code alive} as listening on {@code distributionPort} ({@code ALIVE2_REQ} as OTP 25
     * sends it: node type 77, protocol 0, versions 6 down to 5, no extra) and returns the
     * registration, which keeps the connection open: EPMD forgets the name when it closes.
     *
     * @throws EpmdException with {@link Reason#NAME_TAKEN} if another node holds the name, or why
     *     EPMD could not be asked or did not answer properly
     * @throws IllegalArgumentException if {@code alive} is not a name EPMD accepts
     */
    public EpmdRegistration register(String alive, int distributionPort) throws EpmdException {
        return register(alive, distributionPort, EpmdProtocol.NODE_TYPE_NORMAL, EpmdProtocol.HIGHEST_VERSION,
                EpmdProtocol.LOWEST_VERSION, new byte[0]);
    }

    /** {@code ALIVE2_REQ} with every field given (tests register version 5 to see {@code ALIVE2_RESP}). */
    EpmdRegistration register(String alive, int distributionPort, int nodeType, int highest, int lowest, byte[] extra)
            throws EpmdException {
        byte[] name = EpmdProtocol.encodeName(alive);
        if (distributionPort < 0 || distributionPort > 65535) {
            throw new IllegalArgumentException("not a port number: " + distributionPort);
        }
        if (extra.length > EpmdProtocol.MAX_SYMBOL_BYTES) {
            throw new IllegalArgumentException("EPMD keeps at most " + EpmdProtocol.MAX_SYMBOL_BYTES + " bytes of extra");
        }
        int length = 13 + name.length + extra.length;
        byte[] request = new byte[2 + length];
        putShort(request, 0, length);
        request[2] = (byte) EpmdProtocol.ALIVE2_REQ;
        putShort(request, 3, distributionPort);
        request[5] = (byte) nodeType;
        request[6] = (byte) EpmdProtocol.PROTOCOL_TCP;
        putShort(request, 7, highest);
        putShort(request, 9, lowest);
        putShort(request, 11, name.length);
        System.arraycopy(name, 0, request, 13, name.length);
        putShort(request, 13 + name.length, extra.length);
        System.arraycopy(extra, 0, request, 15 + name.length, extra.length);

        String what = "ALIVE2_REQ for '" + alive + "'";
        Socket socket = connect(what);
        boolean registered = false;
        try {
            InputStream in = send(socket, request, what);
            int tag = readByte(in, what);
            int result;
            int creation;
            if (tag == EpmdProtocol.ALIVE2_X_RESP) {
                byte[] rest = readExactly(in, 5, what + " (ALIVE2_X_RESP)");
                result = rest[0] & 0xFF;
                creation = getInt(rest, 1);
            } else if (tag == EpmdProtocol.ALIVE2_RESP) {
                byte[] rest = readExactly(in, 3, what + " (ALIVE2_RESP)");
                result = rest[0] & 0xFF;
                creation = getShort(rest, 1);
            } else {
                throw malformed(what + " was answered with tag " + tag
                        + "; expected 118 (ALIVE2_X_RESP) or 121 (ALIVE2_RESP)");
            }
            if (result != 0) {
                throw new EpmdException(Reason.NAME_TAKEN, "EPMD at " + address() + " refused to register '" + alive
                        + "' (result " + result + "): the name is in use by another node on this host");
            }
            if (creation == 0) {
                throw malformed(what + " was answered with creation 0, which OTP 25 and later no longer accept");
            }
            socket.setSoTimeout(0);
            EpmdRegistration registration = new EpmdRegistration(alive, distributionPort, creation, socket, address());
            registered = true;
            return registration;
        } catch (SocketTimeoutException e) {
            throw timedOut(what, e);
        } catch (EpmdException e) {
            throw e;
        } catch (IOException e) {
            throw new EpmdException(Reason.IO, what + " to EPMD at " + address() + " failed: " + e.getMessage(), e);
        } finally {
            if (!registered) {
                closeQuietly(socket);
            }
        }
    }

    /**
     * Where {@code alive} listens, as EPMD on this client's host knows it ({@code PORT_PLEASE2_REQ}),
     * or empty if no node of that name is registered there.
     *
     * @throws EpmdException if EPMD could not be asked or did not answer properly
     */
    public Optional<PortInfo> portPlease(String alive) throws EpmdException {
        byte[] name = EpmdProtocol.encodeName(alive);
        byte[] request = new byte[3 + name.length];
        putShort(request, 0, 1 + name.length);
        request[2] = (byte) EpmdProtocol.PORT_PLEASE2_REQ;
        System.arraycopy(name, 0, request, 3, name.length);
        String what = "PORT_PLEASE2_REQ for '" + alive + "'";
        Socket socket = connect(what);
        try {
            InputStream in = send(socket, request, what);
            int tag = readByte(in, what);
            if (tag != EpmdProtocol.PORT2_RESP) {
                throw malformed(what + " was answered with tag " + tag + "; expected 119 (PORT2_RESP)");
            }
            int result = readByte(in, what);
            if (result != 0) {
                return Optional.empty();
            }
            byte[] fixed = readExactly(in, 10, what);
            int port = getShort(fixed, 0);
            int nodeType = fixed[2] & 0xFF;
            int protocol = fixed[3] & 0xFF;
            int highest = getShort(fixed, 4);
            int lowest = getShort(fixed, 6);
            int nameLength = getShort(fixed, 8);
            byte[] replyName = readExactly(in, nameLength, what);
            int extraLength = getShort(readExactly(in, 2, what), 0);
            byte[] extra = readExactly(in, extraLength, what);
            return Optional.of(new PortInfo(new String(replyName, StandardCharsets.UTF_8), port, nodeType, protocol,
                    highest, lowest, extra));
        } catch (SocketTimeoutException e) {
            throw timedOut(what, e);
        } catch (EpmdException e) {
            throw e;
        } catch (IOException e) {
            throw new EpmdException(Reason.IO, what + " to EPMD at " + address() + " failed: " + e.getMessage(), e);
        } finally {
            closeQuietly(socket);
        }
    }

    /**
     * The names registered in EPMD on this client's host and their ports ({@code NAMES_REQ}; OTP:
     * {@code net_adm:names/1}), in EPMD's order (newest first).
     *
     * @throws EpmdException if EPMD could not be asked or did not answer properly; in particular
     *     {@link Reason#MALFORMED_RESPONSE} if the answer does not start with the port asked, which
     *     means something else listens there ({@code {error, address}} in OTP)
     */
    public List<Registered> names() throws EpmdException {
        String what = "NAMES_REQ";
        Socket socket = connect(what);
        try {
            InputStream in = send(socket, new byte[] {0, 1, (byte) EpmdProtocol.NAMES_REQ}, what);
            int replyPort = getInt(readExactly(in, 4, what), 0);
            if (replyPort != port) {
                throw malformed(what + " was answered with port " + replyPort + " instead of " + port
                        + ": what listens there is not that EPMD");
            }
            byte[] text = in.readNBytes(MAX_NAMES_REPLY + 1);
            if (text.length > MAX_NAMES_REPLY) {
                throw malformed(what + " was answered with more than " + MAX_NAMES_REPLY + " bytes");
            }
            return parseNames(new String(text, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            throw timedOut(what, e);
        } catch (EpmdException e) {
            throw e;
        } catch (IOException e) {
            throw new EpmdException(Reason.IO, what + " to EPMD at " + address() + " failed: " + e.getMessage(), e);
        } finally {
            closeQuietly(socket);
        }
    }

    /** The lines {@code name Name at port Port}; other lines are skipped, as {@code erl_epmd} does. */
    private List<Registered> parseNames(String text) throws EpmdException {
        List<Registered> names = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("name ")) {
                continue;
            }
            int at = line.lastIndexOf(" at port ");
            if (at < 5) {
                throw malformed("NAMES_REQ was answered with the line '" + line + "'; expected 'name N at port P'");
            }
            int registeredPort;
            try {
                registeredPort = Integer.parseInt(line.substring(at + " at port ".length()));
            } catch (NumberFormatException e) {
                throw malformed("NAMES_REQ was answered with the line '" + line + "'; the port is not a number");
            }
            names.add(new Registered(line.substring(5, at), registeredPort));
        }
        return List.copyOf(names);
    }

    private Socket connect(String what) throws EpmdException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(Math.max(1, timeout.toMillis())));
            socket.setSoTimeout(Math.toIntExact(Math.max(1, timeout.toMillis())));
            socket.setTcpNoDelay(true);
            return socket;
        } catch (UnknownHostException e) {
            closeQuietly(socket);
            throw new EpmdException(Reason.UNREACHABLE, "cannot send " + what + " to EPMD: unknown host '" + host + "'", e);
        } catch (ConnectException e) {
            closeQuietly(socket);
            throw new EpmdException(Reason.UNREACHABLE, "cannot send " + what + " to EPMD: nothing listens at "
                    + address() + " (" + e.getMessage() + "); start one with 'epmd -daemon' or EmbeddedEpmd", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new EpmdException(Reason.UNREACHABLE, "cannot send " + what + " to EPMD: connecting to " + address()
                    + " took longer than " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new EpmdException(Reason.UNREACHABLE, "cannot send " + what + " to EPMD at " + address() + ": "
                    + e.getMessage(), e);
        }
    }

    private static InputStream send(Socket socket, byte[] request, String what) throws IOException {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        return socket.getInputStream();
    }

    private int readByte(InputStream in, String what) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EpmdException(Reason.CLOSED, "EPMD at " + address() + " closed the connection without answering "
                    + what);
        }
        return b;
    }

    private byte[] readExactly(InputStream in, int n, String what) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw malformed(what + " was answered with a truncated reply (" + bytes.length + " of " + n
                    + " bytes, then the connection closed)");
        }
        return bytes;
    }

    private EpmdException malformed(String message) {
        return new EpmdException(Reason.MALFORMED_RESPONSE, "EPMD at " + address() + ": " + message);
    }

    private EpmdException timedOut(String what, SocketTimeoutException e) {
        return new EpmdException(Reason.TIMEOUT, "EPMD at " + address() + " did not answer " + what + " within "
                + timeout.toMillis() + " ms", e);
    }

    /** {@code host:port}. */
    String address() {
        return host + ":" + port;
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket we are abandoning: there is nothing left to report to
        }
    }

    @Override
    public String toString() {
        return "EpmdClient[" + address() + "]";
    }
}
