package io.jarl.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jarl.Down;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.examples.chat.LineReader.Input;
import io.jarl.testing.NoLeakedProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The line protocol, over real sockets, against a chat server on a free port. */
@ExtendWith(NoLeakedProcesses.class)
class SessionTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private ChatServer chat;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        chat = ChatServer.start(0);
    }

    @AfterEach
    void stopServer() throws IOException {
        chat.stop();
        for (ChatClient c : clients) {
            c.close();
        }
    }

    private ChatClient connect(String nick) throws IOException {
        return connect(nick, 0);
    }

    private ChatClient connect(String nick, int receiveBuffer) throws IOException {
        ChatClient c = new ChatClient(nick, chat.port(), null, receiveBuffer);
        clients.add(c);
        expect(c, "What is your nickname?");
        if (!nick.isEmpty()) {
            c.send(nick);
            expect(c, "*** hello " + nick + "!");
        }
        return c;
    }

    private static String expect(ChatClient c, String fragment) throws IOException {
        return c.expect(fragment, WAIT)
                .orElseThrow(() -> new AssertionError("no line with \"" + fragment + "\" in time; " + c.received()));
    }

    /** Alice and bob, both in lobby. */
    private List<ChatClient> aliceAndBobInLobby() throws IOException {
        ChatClient alice = connect("alice"), bob = connect("bob");
        alice.send("/join lobby");
        expect(alice, "*** you joined lobby");
        bob.send("/join lobby");
        expect(bob, "*** you joined lobby; here now: alice, bob");
        expect(alice, "*** bob joined lobby");
        return List.of(alice, bob);
    }

    @Test
    void commandsBeforeANicknameAreRefused() throws IOException {
        ChatClient c = connect("");
        c.send("/who");
        expect(c, "*** choose a nickname first");
        c.send("not a nick!");
        expect(c, "*** a nickname is 1 to 24 letters");
        c.send("/help");
        expect(c, "***   /quit        disconnect");
        c.send("/nick alice");
        expect(c, "*** hello alice!");
        c.send("/who");
        expect(c, "*** you are not in a room");
    }

    @Test
    void unknownCommandIsExplainedAndTheSessionGoesOn() throws IOException {
        ChatClient c = connect("alice");
        c.send("/frobnicate now");
        expect(c, "*** unknown command /frobnicate; /help lists the commands");
        c.send("/who extra");
        expect(c, "*** /who takes no argument");
        c.send("/join lobby");
        expect(c, "*** you joined lobby; here now: alice");
    }

    @Test
    void aLineOf1024BytesIsSaidAndALongerOneIsRefused() throws IOException {
        List<ChatClient> ab = aliceAndBobInLobby();
        ChatClient alice = ab.get(0), bob = ab.get(1);
        String longest = "é".repeat(512); // 1024 bytes in UTF-8
        alice.send(longest);
        expect(bob, "<alice> " + longest);
        alice.send(longest + "x");
        expect(alice, "*** line too long (over 1024 bytes); discarded");
        alice.send("after");
        expect(bob, "<alice> after");
        assertThat(bob.received()).noneMatch(l -> l.endsWith("x"));
    }

    @Test
    void bytesThatAreNotTextAreRefused() throws IOException {
        List<ChatClient> ab = aliceAndBobInLobby();
        ChatClient alice = ab.get(0), bob = ab.get(1);
        alice.sendRaw(new byte[] {'b', 'a', 'd', (byte) 0xFF, '\n'});
        expect(alice, "*** not valid UTF-8; discarded");
        alice.sendRaw("bell\u0007\r\n".getBytes(StandardCharsets.UTF_8));
        expect(alice, "*** control characters are not allowed; discarded");
        alice.sendRaw("crlf is fine\r\n".getBytes(StandardCharsets.UTF_8));
        expect(bob, "<alice> crlf is fine");
        assertThat(bob.received()).noneMatch(l -> l.contains("bad") || l.contains("bell"));
    }

    @Test
    void anAbruptDisconnectEndsTheSessionAndLeavesTheRoom() throws IOException {
        List<ChatClient> ab = aliceAndBobInLobby();
        ChatClient alice = ab.get(0), bob = ab.get(1);
        try (ProcessScope me = Jarl.attach()) {
            Pid session = Jarl.whereis("user:bob").orElseThrow();
            Ref ref = Jarl.monitor(session);
            bob.abort();
            Down down = Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : Jarl.<Down>skip(), WAIT)
                    .orElseThrow();
            assertThat(down.reason()).isEqualTo(ExitReason.shutdown("disconnected"));
        }
        expect(alice, "*** bob left lobby (disconnected)");
        alice.send("/who");
        expect(alice, "*** in lobby: alice");
        assertThat(Jarl.whereis("user:bob")).isEmpty(); // the nickname is free again
        connect("bob");
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAndTheOthersMissNothing() throws Exception {
        // Alice stops reading; bob floods the room; carol reads all of it. Alice's session blocks
        // writing to her, its queue reaches Session.MAX_QUEUED and it is killed: it cannot hold more.
        ChatClient alice = connect("alice", 4096), bob = connect("bob"), carol = connect("carol");
        for (ChatClient c : List.of(alice, bob, carol)) {
            c.send("/join lobby");
            expect(c, "*** you joined lobby");
        }
        expect(alice, "*** carol joined lobby"); // alice reads nothing after this
        String pad = "x".repeat(200);
        int sent = 0;
        try (ProcessScope me = Jarl.attach()) {
            Pid session = Jarl.whereis("user:alice").orElseThrow();
            Ref ref = Jarl.monitor(session);
            // Carol reads on a thread of her own, so her session never waits on her socket.
            var carolRead = new java.util.concurrent.CompletableFuture<Optional<String>>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    carolRead.complete(carol.expect("<bob> end of flood", Duration.ofSeconds(60)));
                } catch (Throwable e) {
                    carolRead.completeExceptionally(e);
                }
            });
            Optional<Down> down = Optional.empty();
            while (down.isEmpty()) {
                assertThat(sent).as("lines sent without alice's session overflowing").isLessThan(200_000);
                for (int i = 0; i < 100; i++) {
                    bob.send("flood " + sent++ + " " + pad);
                }
                down = Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : Jarl.<Down>skip(),
                        Duration.ZERO);
            }
            assertThat(down.get().reason()).isEqualTo(ExitReason.mailboxOverflow(Session.MAX_QUEUED + 1));
            bob.send("end of flood");
            assertThat(carolRead.get(60, java.util.concurrent.TimeUnit.SECONDS)).isPresent();
            reader.join();
        }
        List<String> floods = carol.received().stream().filter(l -> l.startsWith("<bob> flood ")).toList();
        assertThat(floods).hasSize(sent);
        for (int i = 0; i < sent; i++) {
            assertThat(floods.get(i)).startsWith("<bob> flood " + i + " ");
        }
        assertThat(carol.received()).anyMatch(l -> l.equals("*** alice left lobby (too slow: "
                + (Session.MAX_QUEUED + 1) + " messages waiting)"));
        assertThat(alice.expectClosed(Duration.ofSeconds(30))).as("alice's connection closed").isTrue();
        assertThat(Jarl.whereis("user:alice")).isEmpty();
        bob.send("/who");
        expect(bob, "*** in lobby: bob, carol");
    }

    @Test
    void quitSaysByeAndTheOthersAreTold() throws IOException {
        List<ChatClient> ab = aliceAndBobInLobby();
        ChatClient alice = ab.get(0), bob = ab.get(1);
        bob.send("/quit");
        expect(bob, "*** bye");
        assertThat(bob.expectClosed(WAIT)).isTrue();
        expect(alice, "*** bob left lobby (quit)");
    }

    @Test
    void renamingAndSwitchingRoomsAreToldToTheRoom() throws IOException {
        List<ChatClient> ab = aliceAndBobInLobby();
        ChatClient alice = ab.get(0), bob = ab.get(1);
        bob.send("/nick robert");
        expect(bob, "*** you are now robert");
        expect(alice, "*** bob is now known as robert");
        bob.send("/join random");
        expect(bob, "*** you joined random; here now: robert");
        expect(alice, "*** robert left lobby (went to random)");
        alice.send("/rooms");
        expect(alice, "*** rooms: lobby (1), random (1)");
    }

    @Test
    void theReaderChecksEachLine() {
        assertThat(LineReader.decode("hé\r".getBytes(StandardCharsets.UTF_8))).isEqualTo(new Input.Line("hé"));
        assertThat(LineReader.decode(new byte[] {(byte) 0xC3})).isInstanceOf(Input.Garbage.class);
        assertThat(LineReader.decode("a\u0000b".getBytes(StandardCharsets.UTF_8))).isInstanceOf(Input.Garbage.class);
        assertThat(LineReader.decode("tab\tok".getBytes(StandardCharsets.UTF_8))).isEqualTo(new Input.Line("tab\tok"));
    }

    @Test
    void theParserKnowsTheCommands() {
        assertThat(Command.parse("alice", false)).isEqualTo(new Command.Nick("alice"));
        assertThat(Command.parse("alice", true)).isEqualTo(new Command.Say("alice"));
        assertThat(Command.parse("/join #lobby", true)).isEqualTo(new Command.Join("lobby"));
        assertThat(Command.parse("/join", true)).isInstanceOf(Command.Invalid.class);
        assertThat(Command.parse("/quit", true)).isEqualTo(new Command.Quit());
        assertThat(Command.parse("/nope", true)).isInstanceOf(Command.Invalid.class);
        assertThat(Optional.of(Command.parse("  /who  ", true))).contains(new Command.Who());
    }
}
