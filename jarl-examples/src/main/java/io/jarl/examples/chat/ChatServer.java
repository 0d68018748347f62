package io.jarl.examples.chat;

import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Name;
import io.jarl.Pid;
import io.jarl.ProcessInfo;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildInfo;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.DynamicSupervisor;
import io.jarl.supervisor.DynamicSupervisorOptions;
import io.jarl.supervisor.Supervisor;
import io.jarl.supervisor.SupervisorFlags;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A chat server over TCP: a tree of supervised Jarl processes that anyone can talk to with
 * {@code nc localhost 4040}. Run as the application {@code chat} ({@link ChatApp}), or alone:
 *
 * {@snippet :
 * ChatServer chat = ChatServer.start(4040);   // or 0 for any free port: chat.port()
 * System.out.println(chat.tree());
 * // ... users connect, join rooms, talk ...
 * chat.stop();                                // every process of the tree is gone after this
 * }
 *
 * <h2>The processes</h2>
 * <ul>
 *   <li>a {@link Room} per chat room: a GenServer registered as {@code room:<name>}, started by the
 *       first user who joins it; it knows and monitors its members;</li>
 *   <li>a {@link Session} per connection: a GenServer that speaks the line protocol ({@link Command})
 *       with the user, with a linked {@link LineReader} process blocked reading its socket;</li>
 *   <li>the {@link Acceptor}: a process blocked in {@code ServerSocket.accept}, which starts a
 *       session for each new connection.</li>
 * </ul>
 *
 * <h2>The supervision tree</h2>
 * <pre>
 * chat               Supervisor, one_for_one
 * ├── chat:rooms     DynamicSupervisor: the rooms, permanent (a crashed room is restarted)
 * ├── chat:users     DynamicSupervisor: the sessions, temporary (a dropped connection is not)
 * └── chat:acceptor  the acceptor, permanent
 * </pre>
 * The order matters: the rooms supervisor starts first and stops last, so a session always has rooms
 * to find, and the acceptor starts last and stops first, so no connection is accepted without a
 * users supervisor to run it. A room that crashes is restarted alone (its members rejoin it, see
 * {@link Session}); a session that crashes disturbs nobody but its own user; more than 10 room restarts
 * in 10 seconds make the rooms supervisor give up, and the top supervisor then restarts it empty.
 *
 * <h2>Naming</h2>
 * The supervisors, the acceptor, the rooms ({@code room:lobby}) and the users ({@code user:alice}) are
 * registered names, so the tree can be printed with names and a room found by its name. Names are
 * node-wide: one chat server runs in a JVM at a time.
 *
 * <h2>When not to use it</h2>
 * It is a demo: no authentication, no history, no back-pressure beyond a blocked session waiting for
 * its user's socket.
 */
public final class ChatServer {
    /*
     * Implementation overview
     *
     * Who talks to whom. A connection is two processes: the Session (a GenServer) and its LineReader
     * (a plain process, linked, blocked in InputStream.read). The reader turns bytes into Input
     * messages, so the session only waits in its mailbox, where it also gets its room's Events and the
     * Down of its room. Sessions call and cast rooms; rooms only send (never call) sessions, so no
     * cycle of calls can deadlock and a session blocked writing to a slow client cannot slow a room.
     * Only the session writes to its socket.
     *
     * Membership is monitors both ways, as in OTP chat examples: the room monitors each member (a
     * member that quits, disconnects or crashes is removed on its Down; the Down's reason is what the
     * others are told: {shutdown, quit}, {shutdown, disconnected}, crashed: ...), and the member
     * monitors its room (a crashed room is rejoined).
     *
     * Finding a room. Rooms are registered as room:<name>. Room.findOrStart looks the name up and,
     * if nobody has it, asks the rooms supervisor to start the room. Two starts can race: two users
     * joining a new room at once, or a user rejoining a crashed room while its supervisor restarts
     * it. The room's start function turns "name taken" into ignore, which a DynamicSupervisor answers
     * by forgetting the child (OTP's simple_one_for_one does the same), so whichever start loses
     * leaves nothing behind and findOrStart looks the name up again. (In Jarl a dying process also
     * signals its links before its monitors, so the supervisor has the room's Exit queued before the
     * members get their Down; the ignore rule makes the code correct without relying on it.)
     *
     * Stopping. Supervisor.stop terminates the children in reverse start order: the acceptor (its
     * thread is interrupted, which closes the listening socket: blocking socket calls are
     * interruptible in virtual threads), then the users supervisor, which sends every session
     * shutdown; sessions trap exits, so their terminate says goodbye and closes the socket, which ends
     * the reader blocked on it; then the rooms. The readers end just after their sessions, which is
     * why the script and the tests wait for processes to end with monitors.
     */

    /** The registered names of the tree's processes. */
    public static final String TOP = "chat", ROOMS = "chat:rooms", USERS = "chat:users", ACCEPTOR = "chat:acceptor";

    /** The default TCP port. */
    public static final int DEFAULT_PORT = 4040;

    /** Connections served at once; more are told the server is full. */
    public static final int MAX_USERS = 1000;

    private final Pid supervisor;
    private final AtomicReference<ServerSocket> listening;

    private ChatServer(Pid supervisor, AtomicReference<ServerSocket> listening) {
        this.supervisor = supervisor;
        this.listening = listening;
    }

    /**
     * Starts the tree, not linked to the caller, listening on {@code port} (0: any free port); works
     * from any thread.
     *
     * @throws ExitException if it could not start, e.g. because the port is taken
     */
    public static ChatServer start(int port) {
        return start(port, false);
    }

    /**
     * Starts the tree linked to the calling process, as an application's start callback does (the
     * caller is then the application's master, which watches the top supervisor).
     *
     * @throws ExitException if it could not start, e.g. because the port is taken
     */
    public static ChatServer startLink(int port) {
        return start(port, true);
    }

    private static ChatServer start(int port, boolean link) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("not a port number: " + port);
        }
        AtomicReference<ServerSocket> listening = new AtomicReference<>();
        Name rooms = Name.of(ROOMS), users = Name.of(USERS);
        List<ChildSpec> children = List.of(
                ChildSpec.supervisor("rooms", () -> DynamicSupervisor.startLink(
                        DynamicSupervisorOptions.defaults().withIntensity(10).withPeriod(Duration.ofSeconds(10)),
                        StartOptions.named(ROOMS))),
                ChildSpec.supervisor("users", () -> DynamicSupervisor.startLink(
                        DynamicSupervisorOptions.defaults().withMaxChildren(MAX_USERS), StartOptions.named(USERS))),
                Acceptor.childSpec(port, users, rooms, listening));
        SupervisorFlags flags = SupervisorFlags.oneForOne().withIntensity(3).withPeriod(Duration.ofSeconds(5));
        StartOptions named = StartOptions.named(TOP);
        StartResult started = link ? Supervisor.startLink(flags, children, named)
                : Supervisor.start(flags, children, named);
        return switch (started) {
            case StartResult.Ok(Pid pid) -> new ChatServer(pid, listening);
            case StartResult.Ignored() -> throw new IllegalStateException("the chat supervisor ignored its start");
            case StartResult.Failed(ExitReason reason) -> throw new ExitException(reason, "starting the chat server");
        };
    }

    /** The top supervisor. */
    public Pid pid() {
        return supervisor;
    }

    /** The TCP port the server listens on. */
    public int port() {
        ServerSocket socket = listening.get();
        if (socket == null) {
            throw new IllegalStateException("the chat server is not listening");
        }
        return socket.getLocalPort();
    }

    /**
     * Stops the tree and waits until it is down (Elixir: {@code Supervisor.stop/1}): the acceptor
     * first, then every session (each tells its user), then the rooms. Does nothing if it has stopped.
     */
    public void stop() {
        try {
            Supervisor.stop(supervisor);
        } catch (ExitException e) {
            if (!(e.reason() instanceof ExitReason.NoProc)) {
                throw e;
            }
        }
        release();
    }

    /** Closes the listening socket if the acceptor's end has not (once the tree is down). */
    void release() {
        ServerSocket socket = listening.getAndSet(null);
        if (socket != null) {
            try {
                socket.close(); // closed already by the acceptor's end; this is in case it was not
            } catch (IOException e) {
                // it was being closed: nothing left to free
            }
        }
    }

    // ------------------------------------------------------------------ the tree, printed

    /**
     * The supervision tree as text, one process a line, with pids and registered names, asked of the
     * supervisors themselves ({@code whichChildren}) and of each room and session.
     */
    public String tree() {
        List<String> lines = new ArrayList<>();
        lines.add(label(supervisor) + "  Supervisor, one_for_one");
        // whichChildren lists a Supervisor's children newest first: reversed, they are in start order.
        List<ChildInfo> top = new ArrayList<>(Supervisor.whichChildren(supervisor)).reversed();
        for (int i = 0; i < top.size(); i++) {
            ChildInfo child = top.get(i);
            boolean last = i == top.size() - 1;
            String branch = last ? "└── " : "├── ", indent = last ? "    " : "│   ";
            Optional<Pid> pid = child.pid();
            if (pid.isEmpty()) {
                lines.add(branch + child.id() + "  " + child.status());
                continue;
            }
            switch (String.valueOf(child.id())) {
                case "rooms" -> {
                    lines.add(branch + label(pid.get()) + "  DynamicSupervisor of the rooms");
                    leaves(lines, indent, DynamicSupervisor.whichChildren(pid.get()),
                            p -> "members: " + String.join(", ", GenServer.call(p, new Room.Call.Who(), Duration.ofSeconds(1))));
                }
                case "users" -> {
                    lines.add(branch + label(pid.get()) + "  DynamicSupervisor of the sessions");
                    leaves(lines, indent, DynamicSupervisor.whichChildren(pid.get()),
                            p -> GenServer.call(p, new Session.Call.Describe(), Duration.ofSeconds(1)));
                }
                default -> lines.add(branch + label(pid.get()) + "  acceptor, listening on port " + portOrNone());
            }
        }
        return String.join("\n", lines);
    }

    private static void leaves(List<String> lines, String indent, List<ChildInfo> children,
            java.util.function.Function<Pid, String> describe) {
        if (children.isEmpty()) {
            lines.add(indent + "└── (none)");
        }
        for (int i = 0; i < children.size(); i++) {
            ChildInfo child = children.get(i);
            String branch = i == children.size() - 1 ? "└── " : "├── ";
            String text = child.pid().map(p -> {
                try {
                    return label(p) + "  " + describe.apply(p);
                } catch (ExitException e) {
                    return label(p) + "  (not answering: " + e.reason().cause() + ")";
                }
            }).orElse(child.id() + "  " + child.status());
            lines.add(indent + branch + text);
        }
    }

    /** "name <0.42.0>", or the pid alone if it has no name. */
    private static String label(Pid pid) {
        return Jarl.info(pid).flatMap(ProcessInfo::registeredName).map(n -> n + " " + pid).orElse(pid.toString());
    }

    private String portOrNone() {
        ServerSocket socket = listening.get();
        return socket == null ? "(none)" : String.valueOf(socket.getLocalPort());
    }
}
