package io.jarl.examples;

import io.jarl.Jarl;
import io.jarl.application.Application;
import io.jarl.application.ApplicationError;
import io.jarl.application.ApplicationException;
import io.jarl.application.RestartType;
import io.jarl.application.RuntimeStopper;
import io.jarl.examples.chat.ChatApp;
import io.jarl.examples.chat.ChatScript;
import io.jarl.examples.chat.ChatServer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The program behind {@code bin/jarl demo}: the chat server, run as the application {@code chat}
 * ({@link ChatApp}).
 *
 * <pre>
 *   bin/jarl demo [--port N]   run the chat server until Ctrl-C (default port 4040); connect with nc
 *   bin/jarl demo --script     a scripted session with real TCP clients; exits 0 if every expectation held
 *   bin/jarl demo --links      the linked-chains demo ({@link LinksDemo})
 * </pre>
 * Without {@code --port} the port is the application's environment: 4040, unless
 * {@code -Djarl.app.chat.port=N} (in {@code JARL_JAVA_OPTS}) or a config file says otherwise.
 */
public final class Demo {
    private Demo() {}

    /** What the command line asks for. */
    sealed interface Mode {
        /** Serve on {@code port}, or on the port of the application's environment. */
        record Serve(Optional<Integer> port) implements Mode {}

        record Script() implements Mode {}

        record Links() implements Mode {}

        record Usage(String problem) implements Mode {}
    }

    static final String USAGE = """
            usage: bin/jarl demo [--port N]   run the chat server until Ctrl-C (default port 4040)
                   bin/jarl demo --script     run a scripted chat session; exit 0 if all went as expected
                   bin/jarl demo --links      the linked-chains demo (links, exit signals, monitors)""";

    static Mode parse(List<String> args) {
        return switch (args.size()) {
            case 0 -> new Mode.Serve(Optional.empty());
            case 1 -> switch (args.getFirst()) {
                case "--script" -> new Mode.Script();
                case "--links" -> new Mode.Links();
                case "-h", "--help" -> new Mode.Usage("");
                default -> new Mode.Usage("unknown argument: " + args.getFirst());
            };
            case 2 -> args.getFirst().equals("--port") ? port(args.get(1))
                    : new Mode.Usage("unknown arguments: " + String.join(" ", args));
            default -> new Mode.Usage("too many arguments: " + String.join(" ", args));
        };
    }

    private static Mode port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return new Mode.Serve(Optional.of(port));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return new Mode.Usage("not a port number: " + text);
    }

    public static void main(String[] args) {
        int status = switch (parse(List.of(args))) {
            case Mode.Serve(Optional<Integer> port) -> serve(port);
            case Mode.Script() -> ChatScript.run(System.out).isEmpty() ? 0 : 1;
            case Mode.Links() -> Jarl.run(LinksDemo::demo) == 0 ? 0 : 1;
            case Mode.Usage(String problem) -> {
                if (!problem.isEmpty()) {
                    System.err.println("bin/jarl demo: " + problem);
                }
                (problem.isEmpty() ? System.out : System.err).println(USAGE);
                yield problem.isEmpty() ? 0 : 2;
            }
        };
        System.exit(status);
    }

    /**
     * Runs the chat application, permanent, until Ctrl-C (status 0) or until its tree dies (status 1:
     * a permanent application's end stops the runtime, and this program's {@link RuntimeStopper}
     * says so).
     */
    private static int serve(Optional<Integer> port) {
        ChatApp app = new ChatApp();
        CompletableFuture<RuntimeStopper.Cause> ended = new CompletableFuture<>();
        Application.setRuntimeStopper(ended::complete);
        try {
            Application.load(app.spec());
            port.ifPresent(p -> Application.putEnv(ChatApp.NAME, "port", p));
            Application.ensureAllStarted(ChatApp.NAME, RestartType.PERMANENT);
        } catch (ApplicationException e) {
            Object why = e.error() instanceof ApplicationError.StartFailed failed ? failed.reason() : e.error().describe();
            System.err.println("bin/jarl demo: could not start the chat server: " + why);
            return 1;
        }
        ChatServer chat = app.server().orElseThrow();
        System.out.println("Jarl chat server, an OTP-style application of Jarl processes. Its supervision tree:");
        System.out.println(chat.tree());
        System.out.println();
        System.out.println("Connect with:  nc localhost " + chat.port() + "   (or telnet localhost " + chat.port()
                + "); /help lists the commands, /crash crashes your room.");
        System.out.println("Ctrl-C stops the server.");

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!ended.isDone()) { // Ctrl-C: stop the application, as init:stop() would
                try {
                    Application.stop(ChatApp.NAME);
                    Application.unload(ChatApp.NAME); // the last one: the application controller ends too
                } catch (ApplicationException e) {
                    // it ended on its own meanwhile
                }
            }
            System.out.println("\nchat server stopped; " + Jarl.processCount() + " process(es) left");
        }, "chat-shutdown"));
        RuntimeStopper.Cause cause = ended.join(); // Ctrl-C: the JVM exits while this waits
        Object reason = cause instanceof RuntimeStopper.Cause.ApplicationTerminated t ? t.reason() : cause;
        System.err.println("the chat server's supervision tree ended: " + reason);
        return 1;
    }
}
