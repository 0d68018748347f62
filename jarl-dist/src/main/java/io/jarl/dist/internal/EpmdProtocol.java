package io.jarl.dist.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The bytes of the EPMD protocol, shared by {@link EpmdClient} and {@link EmbeddedEpmd}
 * (OTP: {@code erts/epmd/src/epmd.h}, {@code epmd_int.h}, {@code lib/kernel/src/erl_epmd.hrl}).
 *
 * <p>A request is {@code Length:16, Request}, where the length counts the request only; replies
 * have no length prefix. Integers are big-endian.
 */
final class EpmdProtocol {
    private EpmdProtocol() {}

    /** The port EPMD listens on unless {@code ERL_EPMD_PORT} says otherwise. */
    static final int DEFAULT_PORT = 4369;

    static final int ALIVE2_REQ = 'x';
    static final int ALIVE2_X_RESP = 'v';
    static final int ALIVE2_RESP = 'y';
    static final int PORT_PLEASE2_REQ = 'z';
    static final int PORT2_RESP = 'w';
    static final int NAMES_REQ = 'n';
    static final int DUMP_REQ = 'd';
    static final int KILL_REQ = 'k';
    static final int STOP_REQ = 's';

    /** Node type of a normal node; OTP 25 registers it even for hidden nodes. */
    static final int NODE_TYPE_NORMAL = 'M';
    /** Node type of a hidden node (C nodes); EPMD stores it and nobody reads it. */
    static final int NODE_TYPE_HIDDEN = 'H';
    /** Protocol 0: TCP over IPv4. */
    static final int PROTOCOL_TCP = 0;
    /** The distribution versions OTP 25.2 really registers: highest 6, lowest 5. */
    static final int HIGHEST_VERSION = 6;
    static final int LOWEST_VERSION = 5;

    /** Longest node or extra field EPMD accepts, in bytes ({@code MAXSYMLEN}: 255 UTF-8 characters). */
    static final int MAX_SYMBOL_BYTES = 255 * 4;
    /** EPMD's receive buffer ({@code INBUF_SIZE}); a request must be shorter than this minus the length. */
    static final int INBUF_SIZE = 3 * MAX_SYMBOL_BYTES;
    /** The longest request EPMD reads: {@code Length + 2 < INBUF_SIZE}. */
    static final int MAX_REQUEST = INBUF_SIZE - 3;

    /** The EPMD port from the environment: {@code ERL_EPMD_PORT}, or {@value #DEFAULT_PORT}. */
    static int portFrom(Map<String, String> environment) {
        String value = environment.get("ERL_EPMD_PORT");
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ERL_EPMD_PORT is not a port number: '" + value + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ERL_EPMD_PORT is not a port number (1 to 65535): " + port);
        }
        return port;
    }

    /**
     * The name as EPMD checks it ({@code verify_utf8}): valid UTF-8 of 1 to 255 characters, no NUL.
     * Empty if it is not.
     */
    static Optional<String> decodeName(byte[] bytes, int offset, int length) {
        if (length < 1 || length > MAX_SYMBOL_BYTES) {
            return Optional.empty();
        }
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == 0) {
                return Optional.empty();
            }
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        int characters = name.codePointCount(0, name.length());
        return characters >= 1 && characters <= 255 ? Optional.of(name) : Optional.empty();
    }

    /** The UTF-8 bytes of an alive name, checked as EPMD will check them. */
    static byte[] encodeName(String alive) {
        byte[] bytes = alive.getBytes(StandardCharsets.UTF_8);
        if (decodeName(bytes, 0, bytes.length).filter(alive::equals).isEmpty()) {
            throw new IllegalArgumentException("'" + alive + "' is not a name EPMD accepts: 1 to 255 characters, "
                    + "no NUL, at most " + MAX_SYMBOL_BYTES + " bytes of UTF-8");
        }
        return bytes;
    }

    static void putShort(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    static void putInt(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }

    static int getShort(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
