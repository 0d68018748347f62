package io.jarl.examples.chat;

import io.jarl.Address;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.SpawnOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildSpec;
import io.jarl.supervisor.DynamicSupervisor;
import io.jarl.supervisor.StartChildResult;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process that accepts TCP connections and starts a {@link Session} for each under the users'
 * supervisor (Elixir's guide: {@code KVServer.accept/1}, run as a supervised task).
 *
 * <p>The listening socket is opened by the start function, in the supervisor's process, so that a
 * port that is taken fails the start at once with a clear reason. The acceptor then blocks in
 * {@code accept}; when its supervisor stops it, the exit interrupts its virtual thread, which closes
 * the listening socket (blocking socket calls are interruptible in virtual threads).
 */
final class Acceptor {
    private Acceptor() {}

    /**
     * The child spec of an acceptor listening on {@code port} (0: any free port) that starts
     * sessions under {@code users}. {@code listening} holds the socket of the running acceptor, so
     * that its owner can read the port it got; a restarted acceptor listens on the same port.
     */
    static ChildSpec childSpec(int port, Address users, Address rooms, AtomicReference<ServerSocket> listening) {
        return ChildSpec.worker("acceptor", args -> {
            ServerSocket previous = listening.getAndSet(null);
            int bindTo = port;
            if (previous != null) {
                bindTo = previous.getLocalPort();
                previous.close(); // a restart: the old acceptor is dead; free its port for the new one
            }
            ServerSocket server = new ServerSocket();
            try {
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(bindTo));
            } catch (IOException e) {
                server.close();
                return new StartResult.Failed(ExitReason.of("cannot listen on port " + bindTo + ": " + e.getMessage()));
            }
            listening.set(server);
            Pid pid = Jarl.spawn(SpawnOptions.defaults().link().register(ChatServer.ACCEPTOR)
                    .initialCall("Acceptor.accept/3"), () -> accept(server, users, rooms));
            return new StartResult.Ok(pid);
        });
    }

    private static void accept(ServerSocket server, Address users, Address rooms) {
        try (server) {
            while (true) {
                Socket socket = server.accept();
                StartChildResult started;
                try {
                    started = DynamicSupervisor.startChild(users, Session.childSpec(socket, rooms));
                } catch (RuntimeException e) {
                    socket.close();
                    throw e;
                }
                if (!(started instanceof StartChildResult.Started)) {
                    refuse(socket, started);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("accepting connections", e);
        }
    }

    /** Tells a connection for which no session could be started why, and closes it. */
    private static void refuse(Socket socket, StartChildResult why) {
        try (socket; Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8)) {
            out.write(switch (why) {
                case StartChildResult.MaxChildren() -> "*** the server is full; try again later\n";
                default -> "*** the server could not start a session (" + why + "); try again later\n";
            });
        } catch (IOException e) {
            // the client went away too: nothing to tell
        }
    }
}
