package io.jarl.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.supervisor.DynamicSupervisor;
import io.jarl.supervisor.DynamicSupervisorOptions;
import io.jarl.supervisor.StartChildResult;
import io.jarl.testing.NoLeakedProcesses;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The room server alone, with the test process and spawned processes as members. */
@ExtendWith(NoLeakedProcesses.class)
class RoomTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** What a spawned member saw, forwarded to the test. */
    record Saw(String member, Room.Event event) {}

    record Joined(String member, List<String> here) {}

    record Say(String text) {}

    /** Spawns a member that joins {@code room} as {@code nick}, forwards its events and says what it is told. */
    private static Pid member(Pid room, String nick) {
        Pid test = Jarl.self();
        Pid pid = Jarl.spawn(() -> {
            List<String> here = GenServer.call(room, new Room.Call.Join(Jarl.self(), nick, false));
            Jarl.send(test, new Joined(nick, here));
            while (true) {
                switch (Jarl.receive()) {
                    case Room.Event e -> Jarl.send(test, new Saw(nick, e));
                    case Say(String text) -> GenServer.cast(room, new Room.Cast.Say(Jarl.self(), text));
                    default -> {}
                }
            }
        });
        Jarl.receive(m -> m instanceof Joined j && j.member().equals(nick) ? j : Jarl.<Joined>skip(), WAIT).orElseThrow();
        return pid;
    }

    private static <T> T next(Class<T> type) {
        return Jarl.receive(type, WAIT).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in time"));
    }

    private static void killAndWait(Pid pid) {
        Ref ref = Jarl.monitor(pid);
        Jarl.exit(pid, ExitReason.kill());
        Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : Jarl.<Down>skip(), WAIT).orElseThrow();
    }

    @Test
    void membersHearEachOtherButNotThemselves() {
        try (ProcessScope me = Jarl.attach()) {
            Pid room = GenServer.start(new Room("lobby")).orElseThrow();
            assertThat(GenServer.call(room, new Room.Call.Join(Jarl.self(), "alice", false))).containsExactly("alice");
            Pid bob = member(room, "bob");
            assertThat(next(Room.Event.class)).isEqualTo(new Room.Event.Joined("lobby", "bob"));

            GenServer.cast(room, new Room.Cast.Say(Jarl.self(), "hi bob"));
            assertThat(next(Saw.class)).isEqualTo(new Saw("bob", new Room.Event.Message("lobby", "alice", "hi bob")));
            Jarl.send(bob, new Say("hi alice"));
            assertThat(next(Room.Event.class)).isEqualTo(new Room.Event.Message("lobby", "bob", "hi alice"));
            assertThat(GenServer.call(room, new Room.Call.Who())).containsExactly("alice", "bob");
            // alice's own message never came back to her: the next event she gets is bob's rename.
            GenServer.call(room, new Room.Call.Rename(Jarl.self(), "alicia"));
            assertThat(next(Saw.class).event()).isEqualTo(new Room.Event.Renamed("lobby", "alice", "alicia"));
            assertThat(Jarl.flush()).isEmpty();

            killAndWait(bob);
            GenServer.stop(room);
        }
    }

    @Test
    void aMemberWhoseProcessEndsLeavesTheRoom() {
        try (ProcessScope me = Jarl.attach()) {
            Pid room = GenServer.start(new Room("lobby")).orElseThrow();
            GenServer.call(room, new Room.Call.Join(Jarl.self(), "alice", false));
            Pid bob = member(room, "bob");
            Pid carol = member(room, "carol");
            next(Room.Event.class);
            next(Room.Event.class);
            next(Saw.class); // bob saw carol join

            killAndWait(bob);
            assertThat(next(Room.Event.class)).isEqualTo(new Room.Event.Left("lobby", "bob", "crashed: killed"));
            Jarl.exit(carol, ExitReason.shutdown("quit"));
            assertThat(next(Room.Event.class)).isEqualTo(new Room.Event.Left("lobby", "carol", "quit"));
            assertThat(GenServer.call(room, new Room.Call.Who())).containsExactly("alice");
            GenServer.stop(room);
        }
    }

    @Test
    void leaveIsToldToTheOthersOnce() {
        try (ProcessScope me = Jarl.attach()) {
            Pid room = GenServer.start(new Room("lobby")).orElseThrow();
            GenServer.call(room, new Room.Call.Join(Jarl.self(), "alice", false));
            Pid bob = member(room, "bob");
            next(Room.Event.class);

            assertThat(GenServer.call(room, new Room.Call.Leave(Jarl.self(), "went to random"))).isTrue();
            assertThat(next(Saw.class).event()).isEqualTo(new Room.Event.Left("lobby", "alice", "went to random"));
            assertThat(GenServer.call(room, new Room.Call.Leave(Jarl.self(), "again"))).isFalse();
            assertThat(GenServer.call(room, new Room.Call.Who())).containsExactly("bob");
            // A rejoin after a crash is not announced.
            GenServer.call(room, new Room.Call.Join(Jarl.self(), "alice", true));
            assertThat(GenServer.call(room, new Room.Call.Who())).containsExactly("alice", "bob");
            assertThat(Jarl.receive(Saw.class, Duration.ZERO)).isEmpty();

            killAndWait(bob);
            GenServer.stop(room);
        }
    }

    @Test
    void crashEndsTheRoomWithTheCrashAsReason() {
        try (ProcessScope me = Jarl.attach()) {
            Pid room = GenServer.start(new Room("lobby")).orElseThrow();
            Ref ref = Jarl.monitor(room);
            GenServer.cast(room, new Room.Cast.Crash("alice"));
            Down down = next(Down.class);
            assertThat(down.ref()).isEqualTo(ref);
            assertThat(Room.describe(down.reason())).isEqualTo("Crashed: /crash from alice");
        }
    }

    @Test
    void underItsSupervisorARoomIsStartedOnceAndRestartedUnderItsName() {
        try (ProcessScope me = Jarl.attach()) {
            Pid rooms = DynamicSupervisor.start(DynamicSupervisorOptions.defaults(), StartOptions.defaults())
                    .orElseThrow();
            Pid lobby = Room.findOrStart(rooms, "lobby");
            assertThat(Room.findOrStart(rooms, "lobby")).isEqualTo(lobby);
            assertThat(Jarl.whereis("room:lobby")).contains(lobby);
            // A second start under the taken name is ignored, not a second room.
            assertThat(DynamicSupervisor.startChild(rooms, Room.childSpec("lobby")))
                    .isEqualTo(new StartChildResult.Ignored());
            assertThat(DynamicSupervisor.whichChildren(rooms)).hasSize(1);

            GenServer.call(lobby, new Room.Call.Join(Jarl.self(), "alice", false));
            Ref ref = Jarl.monitor(lobby);
            GenServer.cast(lobby, new Room.Cast.Crash("alice"));
            assertThat(next(Down.class).ref()).isEqualTo(ref);

            Pid again = Room.findOrStart(rooms, "lobby");
            assertThat(again).isNotEqualTo(lobby);
            assertThat(DynamicSupervisor.whichChildren(rooms)).hasSize(1);
            assertThat(GenServer.call(again, new Room.Call.Who())).isEmpty(); // a restart keeps nothing but the name
            assertThat(Room.list(rooms)).containsExactly(new Room.Listing("lobby", again, List.of()));
            DynamicSupervisor.stop(rooms);
        }
    }
}
