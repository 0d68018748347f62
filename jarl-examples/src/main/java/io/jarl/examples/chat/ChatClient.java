package io.jarl.examples.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A chat user at the other end of a plain {@link Socket}, as the scripted session and the tests use
 * it: send lines, wait (a bounded time) for an expected line, and keep what was received.
 * Not a process: a client is an ordinary thread's object, like {@code nc}.
 */
public final class ChatClient implements AutoCloseable {
    private final String who;
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final PrintStream log;
    private final List<String> received = new ArrayList<>();
    private boolean closedByServer;

    /** Connects to the chat server on {@code localhost:port}; {@code log} shows the conversation (or null). */
    public ChatClient(String who, int port, PrintStream log) throws IOException {
        this(who, port, log, 0);
    }

    /**
     * As {@link #ChatClient(String, int, PrintStream)}, with a socket receive buffer of
     * {@code receiveBuffer} bytes (0: the system's, which grows to megabytes on loopback): a client
     * that stops reading then blocks its session's writes sooner.
     */
    public ChatClient(String who, int port, PrintStream log, int receiveBuffer) throws IOException {
        this.who = who;
        this.log = log;
        this.socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window starts small
        }
        socket.connect(new InetSocketAddress("localhost", port), 5_000);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Sends {@code line} and a line end. */
    public void send(String line) throws IOException {
        if (log != null) {
            log.printf("  %-6s> %s%n", who, line.length() > 60 ? line.substring(0, 60) + "... (" + line.length() + " chars)" : line);
        }
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes as they are (to send what is not text). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads lines until one contains {@code fragment}, for at most {@code within}; returns it, or
     * empty if none came in time or the server closed the connection.
     */
    public Optional<String> expect(String fragment, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!closedByServer) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            String line;
            try {
                line = in.readLine();
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            if (line == null) {
                closedByServer = true;
                return Optional.empty();
            }
            received.add(line);
            if (log != null) {
                log.printf("  %-6s< %s%n", who, line);
            }
            if (line.contains(fragment)) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /** Reads (and keeps) lines until the server closes the connection, for at most {@code within}. */
    public boolean expectClosed(Duration within) throws IOException {
        expect("\u0000never sent\u0000", within);
        return closedByServer;
    }

    /** Every line received so far. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** The last few lines received, to explain a failed expectation. */
    public String lastReceived() {
        return received.isEmpty() ? "nothing received" : "last received: " + received.getLast();
    }

    /** Drops the connection abruptly: a TCP reset, no {@code /quit}. */
    public void abort() throws IOException {
        if (log != null) {
            log.printf("  %-6s  (drops the connection: TCP reset)%n", who);
        }
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
