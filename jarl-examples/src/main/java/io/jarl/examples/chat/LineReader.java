package io.jarl.examples.chat;

import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.SpawnOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The process that reads a connection's socket and sends what it reads to the connection's
 * {@link Session} as {@link Input} messages (what an Erlang port in active mode does for its owner).
 *
 * <p>It blocks in {@code InputStream.read}, which is fine in a process: processes are virtual
 * threads. It is linked to its session: when the session ends, the link (or the socket the session
 * closes) ends the reader too. A line is checked here, so the session only ever sees well-formed
 * text: at most {@value #MAX_LINE} bytes, valid UTF-8, no control characters.
 */
final class LineReader {
    /** The longest line accepted, in bytes, without its line end. */
    static final int MAX_LINE = 1024;

    /** What the reader sends its session. */
    sealed interface Input {
        /** A well-formed line, without its line end. */
        record Line(String text) implements Input {}

        /** A line that was discarded, and why. */
        record Garbage(String problem) implements Input {}

        /** The connection is closed (end of stream or an error); the reader has ended. */
        record Closed(String why) implements Input {}
    }

    private LineReader() {}

    /** Starts the reader of {@code in} linked to the calling process, to which it sends its input. */
    static Pid startLink(InputStream in) {
        Pid session = Jarl.self();
        return Jarl.spawn(SpawnOptions.defaults().link().initialCall("LineReader.read/2"), () -> read(in, session));
    }

    private static void read(InputStream in, Pid session) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        try {
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    Jarl.send(session, tooLong
                            ? new Input.Garbage("line too long (over " + MAX_LINE + " bytes); discarded")
                            : decode(line.toByteArray()));
                    line.reset();
                    tooLong = false;
                } else if (!tooLong) {
                    line.write(b);
                    // A '\r' before the '\n' is not counted: "CRLF" line ends are accepted.
                    if (line.size() > MAX_LINE + 1 || (line.size() == MAX_LINE + 1 && b != '\r')) {
                        tooLong = true; // keep reading up to the line end, without keeping the bytes
                        line.reset();
                    }
                }
            }
            if (line.size() > 0 && !tooLong) {
                Jarl.send(session, decode(line.toByteArray())); // a last line without a line end
            }
            Jarl.send(session, new Input.Closed("disconnected"));
        } catch (IOException e) {
            // A reset connection, or the session closed the socket: either way, this connection is over.
            Jarl.send(session, new Input.Closed("disconnected"));
        }
    }

    /** A line's bytes as a {@link Input.Line}, or {@link Input.Garbage} if they are not acceptable text. */
    static Input decode(byte[] bytes) {
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Input.Garbage("not valid UTF-8; discarded");
        }
        if (text.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
            return new Input.Garbage("control characters are not allowed; discarded");
        }
        return new Input.Line(text);
    }
}
