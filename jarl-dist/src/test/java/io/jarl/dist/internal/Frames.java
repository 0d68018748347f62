package io.jarl.dist.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Handshake messages built byte by byte from the protocol description, independently of the code
 * under test, for raw peers in tests.
 */
final class Frames {
    private Frames() {}

    static void send(OutputStream out, byte[] payload) throws IOException {
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) (payload.length >>> 8);
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        out.write(frame);
        out.flush();
    }

    /** Reads one message; null if the connection closed first. */
    static byte[] receive(InputStream in) throws IOException {
        byte[] header = in.readNBytes(2);
        if (header.length < 2) {
            return null;
        }
        int length = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
        byte[] body = in.readNBytes(length);
        return body.length < length ? null : body;
    }

    /** {@code 'N' Flags:64 Creation:32 Nlen:16 Name}. */
    static byte[] name(long flags, int creation, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        byte[] m = new byte[15 + n.length];
        m[0] = 'N';
        putLong(m, 1, flags);
        putInt(m, 9, creation);
        m[13] = (byte) (n.length >>> 8);
        m[14] = (byte) n.length;
        System.arraycopy(n, 0, m, 15, n.length);
        return m;
    }

    /** {@code 'n' Version:16 Flags:32 Name}. */
    static byte[] oldName(int flags, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        byte[] m = new byte[7 + n.length];
        m[0] = 'n';
        m[2] = 5;
        putInt(m, 3, flags);
        System.arraycopy(n, 0, m, 7, n.length);
        return m;
    }

    /** {@code 'N' Flags:64 Challenge:32 Creation:32 Nlen:16 Name}. */
    static byte[] challenge(long flags, int challenge, int creation, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        byte[] m = new byte[19 + n.length];
        m[0] = 'N';
        putLong(m, 1, flags);
        putInt(m, 9, challenge);
        putInt(m, 13, creation);
        m[17] = (byte) (n.length >>> 8);
        m[18] = (byte) n.length;
        System.arraycopy(n, 0, m, 19, n.length);
        return m;
    }

    /** {@code 'r' Challenge:32 Digest:16}. */
    static byte[] reply(int challenge, byte[] digest) {
        byte[] m = new byte[21];
        m[0] = 'r';
        putInt(m, 1, challenge);
        System.arraycopy(digest, 0, m, 5, 16);
        return m;
    }

    /** {@code 'a' Digest:16}. */
    static byte[] ack(byte[] digest) {
        byte[] m = new byte[17];
        m[0] = 'a';
        System.arraycopy(digest, 0, m, 1, 16);
        return m;
    }

    /** MD5 of the cookie followed by the unsigned decimal challenge. */
    static byte[] md5(String cookie, int challenge) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return md5.digest((cookie + Long.toString(challenge & 0xFFFF_FFFFL)).getBytes(StandardCharsets.ISO_8859_1));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    static int getInt(byte[] b, int at) {
        return (int) (getLong(new byte[] {0, 0, 0, 0, b[at], b[at + 1], b[at + 2], b[at + 3]}, 0));
    }

    static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 3; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }
}
