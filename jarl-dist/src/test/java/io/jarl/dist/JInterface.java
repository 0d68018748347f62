package io.jarl.dist;

import io.jarl.testing.Installed;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * JInterface, OTP's own Java library for Erlang nodes ({@code com.ericsson.otp.erlang}), loaded at
 * run time from the Erlang installation, as a second, independent peer for the interop tests.
 *
 * <p>Why at run time: the JInterface that talks to OTP 25 (1.13.1) comes with Erlang
 * (Debian's {@code erlang-jinterface}: {@code <code:root_dir()>/lib/jinterface-1.13.1/priv/OtpErlang.jar});
 * the one on Maven Central (1.6.1) is OTP 18's and cannot even connect to OTP 25. So the build
 * does not depend on it: this class finds the jar (the system property {@code jinterface.jar}, or
 * {@code lib/jinterface-*}{@code /priv/OtpErlang.jar} under the root {@code erl} reports), loads it in a
 * class loader of its own, and calls it by reflection behind the few methods the tests need. Tests
 * skip with {@link #MISSING} when there is none.
 *
 * <p>Terms are JInterface's own objects ({@code OtpErlangAtom}, {@code OtpErlangTuple}...), passed
 * around as {@code Object}: build them with {@link #atom}, {@link #tuple}..., compare them with
 * {@code equals} (JInterface compares terms structurally) and read them with {@code toString()}
 * (Erlang syntax).
 */
final class JInterface {
    static final String MISSING = Installed.Peer.JINTERFACE.missing();

    private static final String PACKAGE = "com.ericsson.otp.erlang.";

    private final ClassLoader loader;
    private final Path jar;
    private final Class<?> object, pid, list;

    private JInterface(ClassLoader loader, Path jar) {
        this.loader = loader;
        this.jar = jar;
        this.object = type("OtpErlangObject");
        this.pid = type("OtpErlangPid");
        this.list = type("OtpErlangList");
    }

    /**
     * Loads JInterface from the Erlang installation, in a class loader of its own (so that its
     * static settings, such as the EPMD port, belong to the caller); empty if it is not installed
     * (tests then skip with {@link #MISSING}).
     */
    static Optional<JInterface> loadIfInstalled() {
        return find().map(jar -> {
            try {
                URLClassLoader loader = new URLClassLoader("jinterface", new URL[] {jar.toUri().toURL()},
                        ClassLoader.getPlatformClassLoader());
                return new JInterface(loader, jar);
            } catch (MalformedURLException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Where {@code OtpErlang.jar} is: the {@code jinterface.jar} property, or under erl's root. */
    static Optional<Path> find() {
        if (Installed.Peer.JINTERFACE.hidden()) {
            return Optional.empty();
        }
        String given = System.getProperty("jinterface.jar");
        if (given != null && !given.isBlank()) {
            Path path = Path.of(given);
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        }
        return erlangRoot().flatMap(JInterface::newestJarUnder);
    }

    /** {@code code:root_dir()} as {@code erl} reports it, if erl runs. */
    private static Optional<Path> erlangRoot() {
        if (!Installed.Peer.ERLANG.present()) {
            return Optional.empty();
        }
        try {
            Process erl = new ProcessBuilder("erl", "-noshell", "-eval", "io:format(\"~s\", [code:root_dir()]), halt().")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(erl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!erl.waitFor(30, TimeUnit.SECONDS)) {
                erl.destroyForcibly();
                return Optional.empty();
            }
            return erl.exitValue() == 0 && !out.isEmpty() ? Optional.of(Path.of(out)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<Path> newestJarUnder(Path root) {
        Path lib = root.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(lib)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("jinterface-"))
                    .map(d -> d.resolve("priv").resolve("OtpErlang.jar")).filter(Files::isRegularFile)
                    .max(Comparator.comparing(JInterface::version));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The version in {@code .../jinterface-1.13.1/priv/OtpErlang.jar}, comparable part by part. */
    private static String version(Path jar) {
        String dir = jar.getParent().getParent().getFileName().toString().substring("jinterface-".length());
        StringBuilder key = new StringBuilder();
        for (String part : dir.split("\\.")) {
            key.append(String.format("%08d", part.chars().allMatch(Character::isDigit) && !part.isEmpty()
                    ? Integer.parseInt(part) : 0));
        }
        return key.toString();
    }


    // ------------------------------------------------------------------ reflection

    private Class<?> type(String simpleName) {
        try {
            return Class.forName(PACKAGE + simpleName, true, loader);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(jar + " has no " + PACKAGE + simpleName + ": not a JInterface jar?", e);
        }
    }

    private Object construct(String simpleName, Class<?>[] types, Object... args) {
        try {
            return type(simpleName).getConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            throw rethrow(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private Object call(Object target, String name, Class<?>[] types, Object... args) throws Exited {
        try {
            Method method = (target instanceof Class<?> c ? c : target.getClass()).getMethod(name, types);
            return method.invoke(target instanceof Class<?> ? null : target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause.getClass().getName().equals(PACKAGE + "OtpErlangExit")) {
                Object reason = quietly(cause, "reason"), from = quietly(cause, "pid");
                throw new Exited(reason, from);
            }
            throw rethrow(cause);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** {@link #call} where JInterface does not throw an exit. */
    private Object invoke(Object target, String name, Class<?>[] types, Object... args) {
        try {
            return call(target, name, types, args);
        } catch (Exited e) {
            throw new AssertionError("unexpected exit " + e.reason(), e);
        }
    }

    private static Object quietly(Object target, String accessor) {
        try {
            return target.getClass().getMethod(accessor).invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        throw new JInterfaceException(cause);
    }

    /** A checked exception JInterface threw (IOException, OtpAuthException...). */
    static final class JInterfaceException extends RuntimeException {
        JInterfaceException(Throwable cause) {
            super(cause.toString(), cause);
        }
    }

    /** An exit signal a mailbox received from a linked process (JInterface's {@code OtpErlangExit}). */
    static final class Exited extends Exception {
        private final transient Object reason, from;

        Exited(Object reason, Object from) {
            super("exit " + reason + " from " + from);
            this.reason = reason;
            this.from = from;
        }

        /** The exit reason, a JInterface term. */
        Object reason() {
            return reason;
        }

        /** The pid that exited (JInterface's {@code OtpErlangPid}), or null. */
        Object from() {
            return from;
        }
    }

    // ------------------------------------------------------------------ terms

    private Object[] objects(Object... terms) {
        Object[] array = (Object[]) Array.newInstance(object, terms.length);
        System.arraycopy(terms, 0, array, 0, terms.length);
        return array;
    }

    Object atom(String name) {
        return construct("OtpErlangAtom", new Class<?>[] {String.class}, name);
    }

    Object tuple(Object... elements) {
        return construct("OtpErlangTuple", new Class<?>[] {object.arrayType()}, (Object) objects(elements));
    }

    Object list(Object... elements) {
        return construct("OtpErlangList", new Class<?>[] {object.arrayType()}, (Object) objects(elements));
    }

    Object binary(byte[] bytes) {
        return construct("OtpErlangBinary", new Class<?>[] {byte[].class}, (Object) bytes);
    }

    Object integer(long value) {
        return construct("OtpErlangLong", new Class<?>[] {long.class}, value);
    }

    /** Whether {@code term} is a JInterface pid. */
    boolean isPid(Object term) {
        return pid.isInstance(term);
    }

    /** Element {@code i} of a JInterface tuple. */
    Object element(Object tuple, int i) {
        return invoke(tuple, "elementAt", new Class<?>[] {int.class}, i);
    }

    // ------------------------------------------------------------------ nodes and mailboxes

    /**
     * Starts a JInterface node ({@code new OtpNode(name, cookie)}) registered with the EPMD at
     * {@code epmdPort} ({@code OtpEpmd.useEpmdPort}).
     */
    OtpNode node(String name, String cookie, int epmdPort) {
        invoke(type("OtpEpmd"), "useEpmdPort", new Class<?>[] {int.class}, epmdPort);
        return new OtpNode(construct("OtpNode", new Class<?>[] {String.class, String.class}, name, cookie));
    }

    /** A JInterface {@code OtpNode}: a node with mailboxes. */
    final class OtpNode implements AutoCloseable {
        private final Object node;

        private OtpNode(Object node) {
            this.node = node;
        }

        /** Its name, {@code alive@host}. */
        String name() {
            return (String) invoke(node, "node", new Class<?>[0]);
        }

        /** {@code OtpNode.ping}: whether {@code other} answers {@code net_kernel}'s {@code is_auth}. */
        boolean ping(String other, Duration timeout) {
            return (Boolean) invoke(node, "ping", new Class<?>[] {String.class, long.class}, other, timeout.toMillis());
        }

        /** A new reference of this node ({@code OtpLocalNode.createRef}). */
        Object makeRef() {
            return invoke(node, "createRef", new Class<?>[0]);
        }

        /** A mailbox, registered as {@code name} if not null. */
        Mbox mbox(String name) {
            return new Mbox(name == null ? invoke(node, "createMbox", new Class<?>[0])
                    : invoke(node, "createMbox", new Class<?>[] {String.class}, name));
        }

        /** Closes the node: its mailboxes exit, its connections close, its name leaves EPMD. */
        @Override
        public void close() {
            invoke(node, "close", new Class<?>[0]);
        }
    }

    /** A JInterface {@code OtpMbox}: a Java-side process of a JInterface node. */
    final class Mbox {
        private final Object mbox;

        private Mbox(Object mbox) {
            this.mbox = mbox;
        }

        /** Its pid. */
        Object self() {
            return invoke(mbox, "self", new Class<?>[0]);
        }

        /** Sends {@code message} to the process registered as {@code name} on {@code node}. */
        void send(String name, String node, Object message) {
            invoke(mbox, "send", new Class<?>[] {String.class, String.class, object}, name, node, message);
        }

        /** Sends {@code message} to {@code to}, a JInterface pid. */
        void send(Object to, Object message) {
            invoke(mbox, "send", new Class<?>[] {pid, object}, to, message);
        }

        /**
         * The next message, or null after {@code timeout}.
         *
         * @throws Exited if an exit signal from a linked process came first
         */
        Object receive(Duration timeout) throws Exited {
            return call(mbox, "receive", new Class<?>[] {long.class}, timeout.toMillis());
        }

        /** Links to {@code other}, a JInterface pid. */
        void link(Object other) throws Exited {
            call(mbox, "link", new Class<?>[] {pid}, other);
        }

        /** Exits with {@code reason}: linked processes get the exit signal. */
        void exit(Object reason) {
            invoke(mbox, "exit", new Class<?>[] {object}, reason);
        }

        /** Closes the mailbox (exit {@code normal}). */
        void close() {
            invoke(mbox, "close", new Class<?>[0]);
        }
    }

    // ------------------------------------------------------------------ the single-connection API

    /**
     * Connects a JInterface {@code OtpSelf} named {@code self} to {@code peer}: the low-level API
     * with {@code sendRPC}/{@code receiveRPC}.
     */
    OtpConnection connect(String self, String cookie, String peer) {
        Object me = construct("OtpSelf", new Class<?>[] {String.class, String.class}, self, cookie);
        Object other = construct("OtpPeer", new Class<?>[] {String.class}, peer);
        return new OtpConnection(invoke(me, "connect", new Class<?>[] {type("OtpPeer")}, other));
    }

    /** A JInterface {@code OtpConnection}. */
    final class OtpConnection implements AutoCloseable {
        private final Object connection;

        private OtpConnection(Object connection) {
            this.connection = connection;
        }

        /** {@code sendRPC(module, function, args)}: asks {@code rex} there to call {@code module:function(args)}. */
        void sendRpc(String module, String function, Object... args) {
            invoke(connection, "sendRPC", new Class<?>[] {String.class, String.class, list}, module, function,
                    list(args));
        }

        /**
         * {@code receiveRPC()}, which waits without a bound, run in a thread of its own for at most
         * {@code timeout}: the value, or an {@link AssertionError} if none came (the connection is then
         * closed, which ends the wait).
         */
        Object receiveRpc(Duration timeout) throws Exception {
            var answer = new java.util.concurrent.CompletableFuture<Object>();
            Thread.ofVirtual().name("jinterface-receiveRPC").start(() -> {
                try {
                    answer.complete(call(connection, "receiveRPC", new Class<?>[0]));
                } catch (Throwable t) {
                    answer.completeExceptionally(t);
                }
            });
            try {
                return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                close();
                throw new AssertionError("no answer to sendRPC within " + timeout, e);
            }
        }

        @Override
        public void close() {
            invoke(connection, "close", new Class<?>[0]);
        }
    }
}
