package io.jarl.examples.chat;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.application.Application;
import io.jarl.application.ApplicationException;
import io.jarl.application.ApplicationInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The scripted chat session behind {@code bin/jarl demo --script}: starts the chat application on a
 * free port, connects real TCP clients that talk, crash a room, send garbage and drop a connection,
 * stops the application, and checks every expectation ({@code ok: ...} or {@code FAILED: ...}). Every wait is bounded (socket read
 * timeouts, monitors with timeouts); nothing sleeps.
 */
public final class ChatScript {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();
    private final List<ChatClient> clients = new ArrayList<>();

    private ChatScript(PrintStream out) {
        this.out = out;
    }

    /** Runs the script from a plain thread; returns the failed expectations (empty: all held). */
    public static List<String> run(PrintStream out) {
        ChatScript script = new ChatScript(out);
        try {
            script.play();
        } catch (IOException | RuntimeException e) {
            script.check(false, "the script ran to its end (it threw " + e + ")");
        }
        out.println();
        out.println(script.failures.isEmpty() ? "chat script: all expectations held"
                : "chat script: " + script.failures.size() + " expectation(s) FAILED: " + script.failures);
        return List.copyOf(script.failures);
    }

    private void play() throws IOException {
        ChatApp app = new ChatApp();
        Application.load(app.spec());
        try {
            Application.putEnv(ChatApp.NAME, "port", 0); // any free port
            // The application controller runs from the load on: it is part of the runtime, not of chat.
            Set<Pid> before = ProcessLeaks.snapshot();
            Application.ensureAllStarted(ChatApp.NAME);
            conversation(app.server().orElseThrow(), before);
        } finally {
            try {
                Application.stop(ChatApp.NAME);
            } catch (ApplicationException e) {
                // the script stopped it already
            }
            Application.unload(ChatApp.NAME);
            for (ChatClient c : clients) {
                c.close();
            }
        }
    }

    private void conversation(ChatServer chat, Set<Pid> before) throws IOException {
        int port = chat.port();
        section("the chat application listens on port " + port + "; its supervision tree");
        String tree = chat.tree();
        out.println(tree);
        check(tree.contains(ChatServer.ROOMS) && tree.contains(ChatServer.USERS) && tree.contains(ChatServer.ACCEPTOR),
                "the tree has the rooms and users supervisors and the acceptor");
        List<ApplicationInfo> running = Application.whichApplications();
        out.println("  running applications: " + running);

        section("alice, bob and carol connect and choose nicknames");
        ChatClient alice = connect("alice", port), bob = connect("bob", port), carol = connect("carol", port);
        for (ChatClient c : List.of(alice, bob, carol)) {
            String nick = nameOf(c);
            expect(c, "What is your nickname?", nick + " is asked for a nickname");
            c.send(nick);
            expect(c, "*** hello " + nick + "!", nick + " is greeted");
        }
        ChatClient dave = connect("dave", port);
        expect(dave, "What is your nickname?", "dave is asked for a nickname");
        dave.send("alice");
        expect(dave, "*** the nickname alice is taken", "a nickname in use is refused");
        dave.send("/nick dave");
        expect(dave, "*** hello dave!", "dave gets another nickname");

        section("alice and bob join lobby, carol joins random");
        alice.send("/join lobby");
        expect(alice, "*** you joined lobby; here now: alice", "alice starts lobby by joining it");
        bob.send("/join lobby");
        expect(bob, "*** you joined lobby; here now: alice, bob", "bob joins lobby and sees alice there");
        expect(alice, "*** bob joined lobby", "alice sees bob join");
        carol.send("/join #random");
        expect(carol, "*** you joined random; here now: carol", "carol starts random");

        section("they talk");
        alice.send("hello bob");
        expect(bob, "<alice> hello bob", "bob receives alice's message");
        bob.send("hi alice, ça va ?");
        expect(alice, "<bob> hi alice, ça va ?", "alice receives bob's message (UTF-8 intact)");
        carol.send("anyone here?");
        bob.send("/who");
        expect(bob, "*** in lobby: alice, bob", "/who lists lobby's members");
        carol.send("/rooms");
        expect(carol, "*** rooms: lobby (2), random (1)", "/rooms lists the rooms and their sizes");

        section("the tree before the crash");
        Optional<Pid> lobbyBefore = Jarl.whereis(Room.registeredName("lobby"));
        out.println(chat.tree());

        section("bob crashes lobby's process; its supervisor restarts it and its members rejoin");
        bob.send("/crash");
        Optional<String> bobSaw = expect(bob, "*** room lobby crashed (Crashed: /crash from bob); rejoining",
                "bob sees lobby crash, with the reason");
        Optional<String> bobBack = expect(bob, "*** rejoined lobby: its supervisor restarted it as",
                "bob rejoins the restarted lobby");
        expect(alice, "*** room lobby crashed (Crashed: /crash from bob); rejoining", "alice sees lobby crash too");
        expect(alice, "*** rejoined lobby: its supervisor restarted it as", "alice rejoins the restarted lobby");
        Optional<Pid> lobbyAfter = Jarl.whereis(Room.registeredName("lobby"));
        check(lobbyBefore.isPresent() && lobbyAfter.isPresent() && !lobbyBefore.equals(lobbyAfter),
                "lobby is a new process: " + lobbyBefore.map(Pid::toString).orElse("?") + " before, "
                        + lobbyAfter.map(Pid::toString).orElse("?") + " after");
        check(bobSaw.isPresent() && bobBack.isPresent() && lobbyAfter.isPresent() && lobbyBefore.isPresent()
                        && bobBack.get().contains(lobbyAfter.get() + " (was " + lobbyBefore.get() + ")"),
                "the rejoin message names the new and the old pid");

        section("they keep talking in the new lobby");
        alice.send("still there, bob?");
        expect(bob, "<alice> still there, bob?", "bob receives alice's message after the restart");
        bob.send("yes!");
        expect(alice, "<bob> yes!", "alice receives bob's reply after the restart");
        bob.send("/who");
        expect(bob, "*** in lobby: alice, bob", "the new lobby knows both members");
        carol.send("/who");
        expect(carol, "*** in random: carol", "random did not notice lobby's crash");

        section("the tree after the crash");
        out.println(chat.tree());

        section("carol sends garbage");
        carol.send("/frobnicate");
        expect(carol, "*** unknown command /frobnicate; /help lists the commands", "an unknown command is explained");
        carol.send("x".repeat(5_000));
        expect(carol, "*** line too long (over 1024 bytes); discarded", "an overlong line is refused");
        out.printf("  %-6s> (bytes C3 28 FF: not UTF-8)%n", "carol");
        carol.sendRaw(new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, '\n'});
        expect(carol, "*** not valid UTF-8; discarded", "bytes that are not UTF-8 are refused");
        carol.send("red \u001b[31malert");
        expect(carol, "*** control characters are not allowed; discarded", "control characters are refused");
        carol.send("/join no/such room");
        expect(carol, "*** usage: /join room", "a bad room name is explained");
        carol.send("/who");
        expect(carol, "*** in random: carol", "carol is still connected and in random");

        section("dave joins lobby, then drops his connection");
        dave.send("/join lobby");
        expect(dave, "*** you joined lobby; here now: alice, bob, dave", "dave joins lobby");
        expect(alice, "*** dave joined lobby", "alice sees dave join");
        expect(bob, "*** dave joined lobby", "bob sees dave join");
        dave.abort();
        expect(alice, "*** dave left lobby (disconnected)", "alice sees dave leave, disconnected");
        expect(bob, "*** dave left lobby (disconnected)", "bob sees dave leave, disconnected");
        alice.send("bye dave");
        expect(bob, "<alice> bye dave", "lobby goes on without dave");

        section("carol quits");
        carol.send("/quit");
        expect(carol, "*** bye", "carol is told bye");
        check(carol.expectClosed(WAIT), "the server closes carol's connection");
        alice.send("/rooms");
        expect(alice, "*** rooms: lobby (2), random (0)", "the rooms are still there, random empty");
        check(carol.received().stream().noneMatch(l -> l.startsWith("<alice>") || l.startsWith("<bob>")),
                "carol, in random, never saw lobby's messages");
        check(alice.received().stream().noneMatch(l -> l.contains("anyone here?")),
                "alice, in lobby, never saw random's messages");

        section("the server stops: Application.stop(\"chat\")");
        Application.stop(ChatApp.NAME);
        Set<Pid> leftAtOnce = new HashSet<>(Jarl.processes());
        leftAtOnce.removeAll(before);
        check(running.stream().anyMatch(a -> a.name().equals(ChatApp.NAME))
                        && Application.whichApplications().stream().noneMatch(a -> a.name().equals(ChatApp.NAME))
                        && leftAtOnce.isEmpty(),
                "chat was listed by whichApplications, is not any more, and no process of it is left when stop"
                        + " returns" + (leftAtOnce.isEmpty() ? "" : " (left: " + leftAtOnce + ")"));
        for (ChatClient c : List.of(alice, bob)) {
            expect(c, "*** the server is shutting down; bye", nameOf(c) + " is told the server is shutting down");
            check(c.expectClosed(WAIT), "the server closes " + nameOf(c) + "'s connection");
        }
        Set<Pid> left = ProcessLeaks.awaitEnd(before, WAIT);
        check(left.isEmpty(), "no process is left (" + before.size() + " before the server, "
                + Jarl.processCount() + " after" + (left.isEmpty() ? "" : "; left: " + left) + ")");
        boolean refused;
        try (Socket s = new Socket("localhost", port)) {
            refused = false;
        } catch (ConnectException e) {
            refused = true;
        }
        check(refused, "port " + port + " is closed");
    }

    private ChatClient connect(String who, int port) throws IOException {
        ChatClient c = new ChatClient(who, port, out);
        clients.add(c);
        return c;
    }

    private String nameOf(ChatClient c) {
        return List.of("alice", "bob", "carol", "dave").get(clients.indexOf(c));
    }

    private Optional<String> expect(ChatClient c, String fragment, String what) throws IOException {
        Optional<String> line = c.expect(fragment, WAIT);
        check(line.isPresent(), what + (line.isPresent() ? "" : " (waited " + WAIT.toSeconds() + " s for \""
                + fragment + "\"; " + c.lastReceived() + ")"));
        return line;
    }

    private void check(boolean ok, String what) {
        out.println((ok ? "ok: " : "FAILED: ") + what);
        if (!ok) {
            failures.add(what);
        }
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }
}
