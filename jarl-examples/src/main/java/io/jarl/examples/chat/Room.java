package io.jarl.examples.chat;

import io.jarl.Address;
import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildInfo;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.DynamicSupervisor;
import io.jarl.supervisor.Restart;
import io.jarl.supervisor.StartChildResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A chat room: a server that knows its members and passes what each says to the others.
 *
 * <p>A room is a {@link GenServer} registered as {@code room:<name>} and started under the rooms'
 * {@link DynamicSupervisor} by the first user who joins it ({@link #findOrStart}). Its members are
 * {@link Session} processes; the room monitors each, so a member that quits, disconnects or crashes
 * leaves the room without having to say so.
 *
 * {@snippet :
 * Pid lobby = Room.findOrStart(Name.of(ChatServer.ROOMS), "lobby");
 * List<String> here = GenServer.call(lobby, new Room.Call.Join(self(), "alice", false));
 * GenServer.cast(lobby, new Room.Cast.Say(self(), "hello"));   // the others receive Event.Message
 * }
 *
 * <h2>Client and server</h2>
 * Members call and cast the {@link Call} and {@link Cast} requests; the room sends them {@link Event}s.
 * Messages go one way only: members call rooms, rooms only send to members, so a slow member (blocked
 * writing to its socket) never slows a room down and no call cycle can deadlock.
 *
 * <h2>Supervision</h2>
 * A room is a permanent child: when it crashes ({@link Cast.Crash} does it on purpose) its supervisor
 * starts a new one under the same name, with no members. Its former members see the crash through
 * their monitor and join again ({@link Session}); nothing is kept across a restart but the name.
 *
 * <h2>When not to use it</h2>
 * One process per room serialises the room's traffic: fine for a chat, not for a room of a million
 * members (broadcast from several processes then, or use a process group).
 */
public final class Room implements GenServer<Room.State, Room.Call, Room.Cast> {

    /** The registered name of the room called {@code name}. */
    public static String registeredName(String name) {
        return "room:" + name;
    }

    /** Calls a room answers. */
    public sealed interface Call {
        /**
         * Adds {@code user} as {@code nick} (or renames it, if it is a member) and monitors it; replies
         * with the members' nicknames, sorted. The others are told {@link Event.Joined}, unless the
         * user is only coming back after the room crashed ({@code rejoin}).
         */
        record Join(Pid user, String nick, boolean rejoin) implements Call, Request<List<String>> {}

        /** Removes {@code user}; the others are told {@link Event.Left} with {@code why}. Replies whether it was a member. */
        record Leave(Pid user, String why) implements Call, Request<Boolean> {}

        /** Renames a member; the others are told {@link Event.Renamed}. Replies whether it was a member. */
        record Rename(Pid user, String nick) implements Call, Request<Boolean> {}

        /** The members' nicknames, sorted. */
        record Who() implements Call, Request<List<String>> {}
    }

    /** Casts a room accepts. */
    public sealed interface Cast {
        /** {@code user} says {@code text}: the other members receive {@link Event.Message}. */
        record Say(Pid user, String text) implements Cast {}

        /** Crash the room, on purpose, to show its supervisor at work. */
        record Crash(String by) implements Cast {}
    }

    /** What a room sends its members. */
    public sealed interface Event {
        String room();

        record Message(String room, String nick, String text) implements Event {}

        record Joined(String room, String nick) implements Event {}

        record Left(String room, String nick, String why) implements Event {}

        record Renamed(String room, String from, String to) implements Event {}
    }

    /** The exception {@link Cast.Crash} throws. */
    public static final class Crashed extends RuntimeException {
        Crashed(String message) {
            super(message, null, false, false); // no stack trace: the crash report stays short
        }
    }

    /** A member: its nickname and the room's monitor on it. */
    record Member(String nick, Ref monitor) {}

    /** The state: the room's name and its members, in the order they joined. */
    public record State(String name, Map<Pid, Member> members) {
        public State {
            members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        State with(Pid user, Member member) {
            Map<Pid, Member> m = new LinkedHashMap<>(members);
            m.put(user, member);
            return new State(name, m);
        }

        State without(Pid user) {
            Map<Pid, Member> m = new LinkedHashMap<>(members);
            m.remove(user);
            return new State(name, m);
        }

        List<String> nicks() {
            return members.values().stream().map(Member::nick).sorted().toList();
        }
    }

    private final String name;

    public Room(String name) {
        this.name = name;
    }

    // ------------------------------------------------------------------ client API

    /**
     * How a rooms supervisor starts the room {@code name}: registered as {@code room:<name>},
     * permanent. If the name is taken (a user started the room while its supervisor was restarting
     * it, or the other way round), the start is ignored: the room that has the name is the room, and
     * a dynamic supervisor forgets an ignored child.
     */
    public static ChildSpec childSpec(String name) {
        return ChildSpec.worker(name, () -> {
            StartResult started = GenServer.startLink(new Room(name), StartOptions.named(registeredName(name)));
            return started instanceof StartResult.Failed(ExitReason.Other(StartResult.AlreadyStarted taken))
                    ? new StartResult.Ignored() : started;
        }).withRestart(Restart.PERMANENT);
    }

    /**
     * The room called {@code name}, started under {@code rooms} if it does not run.
     *
     * @throws ExitException if it could not be started, or {@code rooms} is not running
     */
    public static Pid findOrStart(Address rooms, String name) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Pid> running = Jarl.whereis(registeredName(name));
            if (running.isPresent()) {
                return running.get();
            }
            switch (DynamicSupervisor.startChild(rooms, childSpec(name))) {
                case StartChildResult.Started(Pid pid) -> {
                    return pid;
                }
                case StartChildResult.Ignored() -> {
                    // the name is taken: look again (the room that has it may also have just died)
                }
                case StartChildResult.Failed(ExitReason reason) -> throw new ExitException(reason,
                        "starting room " + name);
                case StartChildResult.MaxChildren() -> throw new ExitException(ExitReason.of("too many rooms"),
                        "starting room " + name);
                case StartChildResult.AlreadyStarted(Pid pid) -> {
                    return pid;
                }
                case StartChildResult.AlreadyPresent(), StartChildResult.Invalid(_) ->
                        throw new IllegalStateException("a dynamic supervisor does not answer that");
            }
        }
        throw new ExitException(ExitReason.of("room keeps dying"), "starting room " + name);
    }

    /** A room as {@link #list} sees it. */
    public record Listing(String name, Pid pid, List<String> members) {}

    /** The rooms running under {@code rooms} and their members, by name; rooms that do not answer are left out. */
    public static List<Listing> list(Address rooms) {
        List<Listing> out = new ArrayList<>();
        for (ChildInfo child : DynamicSupervisor.whichChildren(rooms)) {
            if (child.id() instanceof String roomName && child.pid().isPresent()) {
                Pid pid = child.pid().get();
                try {
                    out.add(new Listing(roomName, pid, GenServer.call(pid, new Call.Who(), Duration.ofSeconds(1))));
                } catch (ExitException e) {
                    // it has just died (its supervisor is restarting it) or is stuck: not listed
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Listing::name));
        return out;
    }

    // ------------------------------------------------------------------ server callbacks

    @Override
    public Init<State> init() {
        return Init.ok(new State(name, Map.of()));
    }

    @Override
    public CallResult<State> handleCall(Call call, From from, State st) {
        return switch (call) {
            case Call.Join(Pid user, String nick, boolean rejoin) when st.members().containsKey(user) -> {
                Member old = st.members().get(user);
                State next = st.with(user, new Member(nick, old.monitor()));
                if (!old.nick().equals(nick)) {
                    broadcast(next, user, new Event.Renamed(st.name(), old.nick(), nick));
                }
                yield CallResult.reply(next.nicks(), next);
            }
            case Call.Join(Pid user, String nick, boolean rejoin) -> {
                State next = st.with(user, new Member(nick, Jarl.monitor(user)));
                if (!rejoin) {
                    broadcast(next, user, new Event.Joined(st.name(), nick));
                }
                yield CallResult.reply(next.nicks(), next);
            }
            case Call.Leave(Pid user, String why) when st.members().containsKey(user) -> {
                Jarl.demonitor(st.members().get(user).monitor(), true);
                yield CallResult.reply(true, remove(st, user, why));
            }
            case Call.Leave l -> CallResult.reply(false, st);
            case Call.Rename(Pid user, String nick) when st.members().containsKey(user) -> {
                Member old = st.members().get(user);
                State next = st.with(user, new Member(nick, old.monitor()));
                broadcast(next, user, new Event.Renamed(st.name(), old.nick(), nick));
                yield CallResult.reply(true, next);
            }
            case Call.Rename r -> CallResult.reply(false, st);
            case Call.Who() -> CallResult.reply(st.nicks(), st);
        };
    }

    @Override
    public Result<State> handleCast(Cast cast, State st) {
        return switch (cast) {
            case Cast.Say(Pid user, String text) when st.members().containsKey(user) -> {
                broadcast(st, user, new Event.Message(st.name(), st.members().get(user).nick(), text));
                yield Result.noReply(st);
            }
            case Cast.Say s -> Result.noReply(st); // from a non-member (e.g. sent just before a restart): dropped
            case Cast.Crash(String by) -> throw new Crashed("/crash from " + by);
        };
    }

    @Override
    public Result<State> handleInfo(Object message, State st) throws Exception {
        if (message instanceof Down(Ref ref, Object object, ExitReason reason)
                && object instanceof Pid user && st.members().containsKey(user)
                && st.members().get(user).monitor().equals(ref)) {
            return Result.noReply(remove(st, user, why(reason)));
        }
        return GenServer.super.handleInfo(message, st);
    }

    private static State remove(State st, Pid user, String why) {
        State next = st.without(user);
        broadcast(next, user, new Event.Left(st.name(), st.members().get(user).nick(), why));
        return next;
    }

    /** Sends {@code event} to every member but {@code except}. */
    private static void broadcast(State st, Pid except, Event event) {
        for (Pid member : st.members().keySet()) {
            if (!member.equals(except)) {
                Jarl.send(member, event);
            }
        }
    }

    /** Why a member whose process ended left, in words: {@code {shutdown, quit}} is "quit". */
    static String why(ExitReason reason) {
        return switch (reason) {
            case ExitReason.Normal n -> "left";
            case ExitReason.ShutdownWith(Object detail) -> String.valueOf(detail);
            case ExitReason.Shutdown s -> "server shutting down";
            case ExitReason.MailboxOverflow(int queued) -> "too slow: " + queued + " messages waiting";
            default -> "crashed: " + describe(reason);
        };
    }

    /** An exit reason for people: a crash is its exception's message. */
    static String describe(ExitReason reason) {
        return reason instanceof ExitReason.Crash(Throwable e)
                ? e.getClass().getSimpleName() + ": " + e.getMessage() : reason.toString();
    }

    @Override
    public String toString() {
        return "Room[" + name + "]";
    }
}
