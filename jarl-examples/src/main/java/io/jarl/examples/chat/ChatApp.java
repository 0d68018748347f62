package io.jarl.examples.chat;

import io.jarl.application.AppStart;
import io.jarl.application.Application;
import io.jarl.application.ApplicationSpec;
import io.jarl.application.StartType;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The chat server as an application named {@code chat} (OTP: an application callback module with its
 * {@code .app} file): its spec says what it is and how it is configured, its start runs the
 * {@link ChatServer}'s supervision tree, its stop releases the listening socket.
 *
 * {@snippet :
 * ChatApp app = new ChatApp();
 * Application.load(app.spec());                   // port 4040 unless configured otherwise
 * Application.putEnv("chat", "port", 0);          // optional: any free port
 * Application.ensureAllStarted("chat");           // [chat]
 * int port = app.server().orElseThrow().port();
 * // ... users connect, join rooms, talk ...
 * Application.stop("chat");                       // every process of the tree is gone after this
 * }
 *
 * <h2>Configuration</h2>
 * One key, {@code port} (default {@value ChatServer#DEFAULT_PORT}; 0 for any free port), read when the
 * application starts. Set it with {@code -Djarl.app.chat.port=5050}, a {@code chat.port=5050} line in
 * the config file ({@code -Djarl.config=<file>}), or {@link Application#putEnv} before the start, as
 * {@code bin/jarl demo --port N} does.
 *
 * <h2>Where it differs from a real deployment</h2>
 * The application's state, the running {@link ChatServer}, is also kept by this object so that the
 * demo can print the tree and the port; OTP offers no such handle, and a real application would
 * publish what others need through its processes.
 */
public final class ChatApp implements Application<ChatServer> {
    /** The application's name. */
    public static final String NAME = "chat";

    private final AtomicReference<ChatServer> running = new AtomicReference<>();

    /** The spec of the application this object is the callback of (OTP: {@code chat.app}). */
    public ApplicationSpec spec() {
        return ApplicationSpec.of(NAME, this)
                .withDescription("a chat server over TCP, the demo of bin/jarl")
                .withVsn("1.0")
                .withEnv("port", ChatServer.DEFAULT_PORT)
                .withRegistered(ChatServer.TOP, ChatServer.ROOMS, ChatServer.USERS, ChatServer.ACCEPTOR);
    }

    /** Starts the tree, linked to the application's master, on the port of the environment. */
    @Override
    public AppStart<ChatServer> start(StartType type, Object args) {
        int port = Application.fetchEnv(NAME, "port", Integer.class);
        ChatServer chat = ChatServer.startLink(port); // a port that is taken fails the start
        running.set(chat);
        return AppStart.ok(chat.pid(), chat);
    }

    /** Once the tree is down: forget it and release its listening socket. */
    @Override
    public void stop(ChatServer chat) {
        running.compareAndSet(chat, null);
        chat.release();
    }

    /** The running server, while the application runs. */
    public Optional<ChatServer> server() {
        return Optional.ofNullable(running.get());
    }
}
