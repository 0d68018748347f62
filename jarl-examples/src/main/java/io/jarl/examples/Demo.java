package io.jarl.examples;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.Jarl;
import io.jarl.ProcessScope;
import io.jarl.Ref;
import io.jarl.examples.chat.ChatScript;
import io.jarl.examples.chat.ChatServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The program behind {@code bin/jarl demo}: the chat server ({@link ChatServer}).
 *
 * <pre>
 *   bin/jarl demo [--port N]   run the chat server until Ctrl-C (default port 4040); connect with nc
 *   bin/jarl demo --script     a scripted session with real TCP clients; exits 0 if every expectation held
 *   bin/jarl demo --links      the linked-chains demo ({@link LinksDemo})
 * </pre>
 */
public final class Demo {
    private Demo() {}

    /** What the command line asks for. */
    sealed interface Mode {
        record Serve(int port) implements Mode {}

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
            case 0 -> new Mode.Serve(ChatServer.DEFAULT_PORT);
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
                return new Mode.Serve(port);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return new Mode.Usage("not a port number: " + text);
    }

    public static void main(String[] args) {
        int status = switch (parse(List.of(args))) {
            case Mode.Serve(int port) -> serve(port);
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

    /** Runs the chat server until Ctrl-C (status 0) or until its tree dies (status 1). */
    private static int serve(int port) {
        ChatServer chat;
        try {
            chat = ChatServer.start(port);
        } catch (ExitException e) {
            System.err.println("bin/jarl demo: could not start the chat server: " + e.reason());
            return 1;
        }
        System.out.println("Jarl chat server, an OTP-style application of Jarl processes. Its supervision tree:");
        System.out.println(chat.tree());
        System.out.println();
        System.out.println("Connect with:  nc localhost " + chat.port() + "   (or telnet localhost " + chat.port()
                + "); /help lists the commands, /crash crashes your room.");
        System.out.println("Ctrl-C stops the server.");

        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            chat.stop();
            System.out.println("\nchat server stopped; " + Jarl.processCount() + " process(es) left");
        }, "chat-shutdown"));
        try (ProcessScope me = Jarl.attach()) {
            Ref ref = Jarl.monitor(chat.pid());
            Down down = Jarl.receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : Jarl.<Down>skip());
            if (stopping.get()) {
                return 0; // Ctrl-C: the JVM is exiting; the shutdown hook stopped the tree
            }
            System.err.println("the chat server's supervision tree ended: " + down.reason());
            return 1;
        }
    }
}
