package io.jarl.examples.chat;

import io.jarl.Address;
import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.MailboxLimits;
import io.jarl.MailboxLimits.Overflow;
import io.jarl.NameTakenException;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.examples.chat.LineReader.Input;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.Restart;
import io.jarl.supervisor.Shutdown;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A connected user: the server that handles one TCP connection, speaking the chat's line protocol
 * ({@link Command}) with the person at the other end.
 *
 * <p>A session is started by the acceptor under the users' {@code DynamicSupervisor}, as a temporary
 * child (a connection that is gone is not reconnected by anyone). It starts a linked
 * {@link LineReader} process that blocks reading the socket and sends it each line as a message, so
 * that the session itself only ever waits in its mailbox, where it also receives its room's
 * {@link Room.Event}s and the {@link Down} of its room. Once the user has a nickname, the session is
 * registered as {@code user:<nick>}, which keeps nicknames unique for free: the name goes when the
 * process does.
 *
 * <h2>When the room crashes</h2>
 * The session monitors its room. When the room goes down, the user reads
 * {@code *** room lobby crashed (Crashed: /crash from bob); rejoining}; the session then finds the
 * room again by name (by then its supervisor has restarted it: the supervisor heard of the crash
 * through its link before the session heard of it through its monitor, and in any case a room started
 * twice under one name ends up as one, see {@link Room#childSpec}) and joins it again, quietly:
 * {@code *** rejoined lobby: its supervisor restarted it as <0.61.0> (was <0.50.0>)}.
 *
 * <h2>A user who stops reading</h2>
 * A session writes to its socket itself, so a client that stops reading (a stalled laptop, a
 * hostile peer) blocks it in that write once the TCP buffers are full, while its room keeps sending
 * it events. Its mailbox is bounded ({@link #MAILBOX}): at {@value #ALARM_AT} queued messages the
 * node logs a long-queue warning, and at {@value #MAX_QUEUED} the session is killed with
 * {@code {mailbox_overflow, Len}} (IRC servers call it "SendQ exceeded"): the reader and the socket
 * go with it, the room tells the others {@code *** alice left lobby (too slow: ...)}, and the node's
 * heap holds at most that many messages for a slow user, not an ever-growing queue.
 *
 * <h2>Ending</h2>
 * {@code /quit} stops the session with {@code {shutdown, quit}}, a closed connection with
 * {@code {shutdown, disconnected}}: both silent for crash reports, and both what the room tells the
 * other members ({@code *** bob left lobby (quit)}). The session traps exits, so that when the server
 * shuts down its {@link #terminate} says goodbye and closes the socket, which also ends the reader.
 */
public final class Session implements GenServer<Session.State, Session.Call, Void> {
    /** The most events a session may have waiting before it is disconnected as too slow. */
    public static final int MAX_QUEUED = 10_000;
    /** The queue length that logs a long-queue warning (and clears at a tenth of it). */
    public static final int ALARM_AT = 1_000;
    /** A session's mailbox: {@value #MAX_QUEUED} messages at most, then exit (see the class comment). */
    public static final MailboxLimits MAILBOX = MailboxLimits.max(MAX_QUEUED, Overflow.exit())
            .alarm(ALARM_AT, ALARM_AT / 10);

    /** How long a session waits for its room to answer. */
    private static final Duration ROOM_TIMEOUT = Duration.ofSeconds(5);

    /** The calls a session answers. */
    public sealed interface Call {
        /** What the session is: "alice in lobby". */
        record Describe() implements Call, Request<String> {}
    }

    /** The room the user is in: its name, its process and the session's monitor on it. */
    record InRoom(String name, Pid pid, Ref monitor) {}

    /** The session's state: the connection, its reader, the nickname and the room, once chosen. */
    public record State(Connection conn, Pid reader, Optional<String> nick, Optional<InRoom> room) {
        State withNick(String nick) {
            return new State(conn, reader, Optional.of(nick), room);
        }

        State withRoom(Optional<InRoom> room) {
            return new State(conn, reader, nick, room);
        }
    }

    /** The socket and its writer; remembers a failed write, after which the session stops. */
    static final class Connection {
        final Socket socket;
        private final Writer out;
        private boolean broken;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8));
        }

        void println(String text) {
            if (broken) {
                return;
            }
            try {
                out.write(text);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                broken = true; // the session stops after this callback: see next()
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket that failed: nothing more to do with it
            }
        }
    }

    private final Socket socket;
    private final Address rooms;

    /** A session for {@code socket}, finding and starting rooms under {@code rooms}. */
    public Session(Socket socket, Address rooms) {
        this.socket = socket;
        this.rooms = rooms;
    }

    /** How the users' supervisor starts a session: temporary, 2 seconds to say goodbye. */
    public static ChildSpec childSpec(Socket socket, Address rooms) {
        return ChildSpec.worker("user", () -> GenServer.startLink(new Session(socket, rooms),
                        StartOptions.defaults().withMailbox(MAILBOX)))
                .withRestart(Restart.TEMPORARY)
                .withShutdown(Shutdown.timeout(Duration.ofSeconds(2)));
    }

    // ------------------------------------------------------------------ server callbacks

    @Override
    public Init<State> init() throws IOException {
        Jarl.trapExit(true);
        Connection conn = new Connection(socket);
        Pid reader = LineReader.startLink(new BufferedInputStream(socket.getInputStream()));
        conn.println("*** welcome to the Jarl chat (you are process " + Jarl.self() + "). What is your nickname?");
        return Init.ok(new State(conn, reader, Optional.empty(), Optional.empty()));
    }

    @Override
    public CallResult<State> handleCall(Call call, From from, State st) {
        return switch (call) {
            case Call.Describe() -> CallResult.reply(st.nick().orElse("(no nickname yet)")
                    + st.room().map(r -> " in " + r.name()).orElse("") + ", reader " + st.reader(), st);
        };
    }

    @Override
    public Result<State> handleInfo(Object message, State st) throws Exception {
        return switch (message) {
            case Input.Line(String text) -> handle(Command.parse(text, st.nick().isPresent()), st);
            case Input.Garbage(String problem) -> {
                st.conn().println("*** " + problem);
                yield next(st);
            }
            case Input.Closed(String why) -> Result.stop(ExitReason.shutdown(why), st);
            case Room.Event event -> {
                show(event, st);
                yield next(st);
            }
            case Down(Ref ref, Object room, ExitReason reason)
                    when st.room().isPresent() && st.room().get().monitor().equals(ref) ->
                    next(rejoin(st.room().get(), reason, st));
            case Exit(Pid from, ExitReason reason) when from.equals(st.reader()) ->
                    reason.isAbnormal() ? Result.stop(reason, st) : Result.noReply(st); // Closed came first
            default -> GenServer.super.handleInfo(message, st);
        };
    }

    @Override
    public void terminate(ExitReason reason, State st) {
        switch (reason) {
            case ExitReason.ShutdownWith(Object why) when "quit".equals(why) -> st.conn().println("*** bye");
            case ExitReason.Shutdown s -> st.conn().println("*** the server is shutting down; bye");
            default -> {}
        }
        st.conn().close(); // also ends the reader, blocked reading this socket
    }

    // ------------------------------------------------------------------ the commands

    /** What to do after a callback: go on, or stop if the connection broke. */
    private static Result<State> next(State st) {
        return st.conn().broken ? Result.stop(ExitReason.shutdown("disconnected"), st) : Result.noReply(st);
    }

    private Result<State> handle(Command command, State st) {
        Connection c = st.conn();
        if (st.nick().isEmpty() && !(command instanceof Command.Nick || command instanceof Command.Help
                || command instanceof Command.Quit || command instanceof Command.Invalid)) {
            c.println("*** choose a nickname first: type it, or /nick name");
            return next(st);
        }
        return switch (command) {
            case Command.Nick(String nick) -> next(nick(nick, st));
            case Command.Join(String room) when st.room().isPresent() && st.room().get().name().equals(room) -> {
                c.println("*** you are already in " + room);
                yield next(st);
            }
            case Command.Join(String room) -> next(join(room, leave("went to " + room, st)));
            case Command.Leave() when st.room().isPresent() -> {
                c.println("*** you left " + st.room().get().name());
                yield next(leave("left", st));
            }
            case Command.Say(String text) when text.isEmpty() -> next(st);
            case Command.Say(String text) when st.room().isPresent() -> {
                GenServer.cast(st.room().get().pid(), new Room.Cast.Say(Jarl.self(), text));
                yield next(st);
            }
            case Command.Who() when st.room().isPresent() -> {
                InRoom r = st.room().get();
                askRoom(c, r, () -> "*** in " + r.name() + ": "
                        + String.join(", ", GenServer.call(r.pid(), new Room.Call.Who(), ROOM_TIMEOUT)));
                yield next(st);
            }
            case Command.Crash() when st.room().isPresent() -> {
                c.println("*** asking room " + st.room().get().name() + " to crash");
                GenServer.cast(st.room().get().pid(), new Room.Cast.Crash(st.nick().orElseThrow()));
                yield next(st);
            }
            case Command.Leave(), Command.Say(_), Command.Who(), Command.Crash() -> {
                c.println("*** you are not in a room; /join one first (try /join lobby)");
                yield next(st);
            }
            case Command.Rooms() -> {
                List<Room.Listing> all;
                try {
                    all = Room.list(rooms);
                } catch (ExitException e) {
                    c.println("*** the rooms are not available just now (" + e.reason().cause() + "); try again");
                    yield next(st);
                }
                c.println(all.isEmpty() ? "*** no rooms yet; /join one to start it"
                        : "*** rooms: " + all.stream().map(r -> r.name() + " (" + r.members().size() + ")")
                                .collect(Collectors.joining(", ")));
                yield next(st);
            }
            case Command.Help() -> {
                c.println(Command.HELP);
                yield next(st);
            }
            case Command.Quit() -> {
                yield Result.stop(ExitReason.shutdown("quit"), st); // terminate says bye
            }
            case Command.Invalid(String problem) -> {
                c.println("*** " + problem);
                yield next(st);
            }
        };
    }

    private State nick(String nick, State st) {
        Connection c = st.conn();
        String name = "user:" + nick;
        if (st.nick().equals(Optional.of(nick))) {
            c.println("*** you are " + nick + " already");
            return st;
        }
        st.nick().ifPresent(old -> Jarl.unregister("user:" + old));
        try {
            Jarl.register(name, Jarl.self());
        } catch (NameTakenException e) {
            st.nick().ifPresent(old -> Jarl.register("user:" + old, Jarl.self()));
            c.println("*** the nickname " + nick + " is taken; choose another");
            return st;
        }
        if (st.nick().isEmpty()) {
            c.println("*** hello " + nick + "! /join a room (try /join lobby); /help lists the commands");
        } else {
            c.println("*** you are now " + nick);
        }
        st.room().ifPresent(r -> askRoom(c, r, () -> {
            GenServer.call(r.pid(), new Room.Call.Rename(Jarl.self(), nick), ROOM_TIMEOUT);
            return null;
        }));
        return st.withNick(nick);
    }

    /** Joins {@code room}, starting it if need be; {@code rejoinedAfter}: the pid of the room that crashed. */
    private State join(String room, State st, Optional<Pid> rejoinedAfter) {
        Connection c = st.conn();
        Ref monitor = null;
        try {
            Pid pid = Room.findOrStart(rooms, room);
            monitor = Jarl.monitor(pid);
            List<String> here = GenServer.call(pid,
                    new Room.Call.Join(Jarl.self(), st.nick().orElseThrow(), rejoinedAfter.isPresent()), ROOM_TIMEOUT);
            c.println(rejoinedAfter.isPresent()
                    ? "*** rejoined " + room + ": its supervisor restarted it as " + pid + " (was "
                            + rejoinedAfter.get() + "); here now: " + String.join(", ", here)
                    : "*** you joined " + room + "; here now: " + String.join(", ", here));
            return st.withRoom(Optional.of(new InRoom(room, pid, monitor)));
        } catch (ExitException e) {
            if (monitor != null) {
                Jarl.demonitor(monitor, true); // the room died or did not answer: no Down to handle later
            }
            c.println("*** could not join " + room + " (" + Room.describe(e.reason().cause()) + "); /join a room");
            return st.withRoom(Optional.empty());
        }
    }

    private State join(String room, State st) {
        return join(room, st, Optional.empty());
    }

    /** Leaves the current room, if any, telling the others {@code why}. */
    private State leave(String why, State st) {
        if (st.room().isEmpty()) {
            return st;
        }
        InRoom r = st.room().get();
        Jarl.demonitor(r.monitor(), true);
        try {
            GenServer.call(r.pid(), new Room.Call.Leave(Jarl.self(), why), ROOM_TIMEOUT);
        } catch (ExitException e) {
            // the room is gone: there is nobody to tell
        }
        return st.withRoom(Optional.empty());
    }

    private State rejoin(InRoom r, ExitReason reason, State st) {
        st.conn().println(reason.isAbnormal()
                ? "*** room " + r.name() + " crashed (" + Room.describe(reason) + "); rejoining"
                : "*** room " + r.name() + " stopped (" + reason + "); rejoining");
        return join(r.name(), st.withRoom(Optional.empty()), Optional.of(r.pid()));
    }

    private static void show(Room.Event event, State st) {
        if (st.room().isEmpty() || !st.room().get().name().equals(event.room())) {
            return; // from a room the user has left, sent before it heard so
        }
        st.conn().println(switch (event) {
            case Room.Event.Message(String room, String nick, String text) -> "<" + nick + "> " + text;
            case Room.Event.Joined(String room, String nick) -> "*** " + nick + " joined " + room;
            case Room.Event.Left(String room, String nick, String why) -> "*** " + nick + " left " + room + " (" + why + ")";
            case Room.Event.Renamed(String room, String from, String to) -> "*** " + from + " is now known as " + to;
        });
    }

    /** Runs a call to the room and prints what {@code ask} makes of it; a room that fails to answer is reported. */
    private static void askRoom(Connection c, InRoom r, java.util.function.Supplier<String> ask) {
        try {
            String line = ask.get();
            if (line != null) {
                c.println(line);
            }
        } catch (ExitException e) {
            c.println("*** room " + r.name() + " did not answer (" + Room.describe(e.reason().cause()) + ")");
        }
    }
}
