package io.jarl.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The shared secret that lets two nodes connect: the magic cookie (OTP: {@code erlang:get_cookie/0},
 * {@code erl -setcookie}, {@code ~/.erlang.cookie}).
 *
 * <p>Two nodes connect only if each proves to the other that it knows the same cookie. The cookie
 * itself never crosses the network: each side sends a random challenge and checks the MD5 digest
 * the other computes from the cookie and that challenge ({@link #digest(int)}).
 *
 * {@snippet :
 * Cookie cookie = Cookie.of("SECRET");                 // as erl -setcookie SECRET
 * Cookie mine = Cookie.fromErlangCookieFile();         // as erl without -setcookie
 * }
 *
 * <h2>Where the cookie comes from</h2>
 * {@link #fromErlangCookieFile()} does what {@code erl} does without {@code -setcookie}
 * ({@code auth:read_cookie/0}): it reads {@code ~/.erlang.cookie}, or if there is none
 * {@code $XDG_CONFIG_HOME/erlang/.erlang.cookie} ({@code ~/.config/erlang} by default), and if
 * neither exists it creates {@code ~/.erlang.cookie} with 20 random uppercase letters and mode
 * {@code 0400}, so that nodes of the same user on this machine share it. The file must be a regular
 * file readable by its owner only, and hold printable ASCII optionally followed by line ends and
 * spaces, exactly as {@code erl} requires.
 *
 * <p>Java differs from OTP in two details: the letters of a new cookie come from
 * {@link SecureRandom} (OTP uses a time-seeded congruential generator, which is guessable), and the
 * file's timestamps are left alone (OTP rounds them down to midnight to hide that seed).
 *
 * <h2>Keeping it secret</h2>
 * {@link #toString()} never shows the cookie, so it cannot leak into logs or exception messages.
 * Anyone who sees one handshake on the wire can still try to guess the cookie offline from the
 * challenge and digest, and after the handshake the connection is neither encrypted nor
 * authenticated: every connected node has full power over this one. Use long random cookies and
 * keep distribution on trusted networks.
 */
public final class Cookie {
    /** The length of a cookie {@code erl} generates. */
    static final int GENERATED_LENGTH = 20;
    /** A cookie file larger than this cannot hold a cookie (an atom has at most 255 characters). */
    private static final int MAX_FILE_SIZE = 64 * 1024;

    private final byte[] latin1;

    private Cookie(byte[] latin1) {
        this.latin1 = latin1;
    }

    /**
     * The cookie {@code text}, as {@code erl -setcookie text} sets it.
     *
     * @throws IllegalArgumentException if {@code text} is empty, longer than 255 characters (a cookie
     *     is an atom) or has characters above U+00FF (the digest is computed over Latin-1)
     */
    public static Cookie of(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a cookie cannot be empty");
        }
        if (text.length() > 255) {
            throw new IllegalArgumentException("a cookie is an atom of at most 255 characters, not " + text.length());
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("a cookie is Latin-1 text; character " + i + " is U+"
                        + String.format("%04X", (int) text.charAt(i)));
            }
        }
        return new Cookie(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * The cookie {@code erl} uses when started without {@code -setcookie}: read from
     * {@code ~/.erlang.cookie} or {@code $XDG_CONFIG_HOME/erlang/.erlang.cookie}, or created in
     * {@code ~/.erlang.cookie} (20 random uppercase letters, mode {@code 0400}) if neither exists.
     *
     * @throws IOException with {@code erl}'s reason if a file is unreadable, readable by others, or
     *     holds no valid cookie, or if the new file cannot be written
     */
    public static Cookie fromErlangCookieFile() throws IOException {
        String home = System.getProperty("user.home");
        if (home == null || home.isEmpty()) {
            throw new IOException("No home for cookie file (the system property user.home is not set)");
        }
        Map<String, String> env = System.getenv();
        String xdg = env.get("XDG_CONFIG_HOME");
        Path xdgConfig = xdg == null || xdg.isEmpty() ? Path.of(home, ".config") : Path.of(xdg);
        return fromErlangCookieFile(Path.of(home), xdgConfig);
    }

    /** {@link #fromErlangCookieFile()} with the home and XDG configuration directories given. */
    static Cookie fromErlangCookieFile(Path home, Path xdgConfigHome) throws IOException {
        Path homeFile = home.resolve(".erlang.cookie");
        if (Files.exists(homeFile)) {
            return fromFile(homeFile);
        }
        Path xdgFile = xdgConfigHome.resolve("erlang").resolve(".erlang.cookie");
        if (Files.exists(xdgFile)) {
            return fromFile(xdgFile);
        }
        create(homeFile);
        return fromFile(homeFile);
    }

    /**
     * Reads a cookie file the way {@code erl} does ({@code auth:read_cookie/1}).
     *
     * <p>The file must be a regular file; on a POSIX file system only its owner may have access
     * (mode {@code 0400} or {@code 0600}). Its content is the cookie, printable ASCII ({@code ' '} to
     * {@code '~'}), optionally followed by line ends and spaces.
     *
     * @throws IOException with {@code erl}'s reason otherwise
     */
    public static Cookie fromFile(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "Error when reading " + file + ": no such file");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException("Cookie file " + file + " is not a regular file");
        }
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            for (PosixFilePermission p : permissions) {
                if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE
                        && p != PosixFilePermission.OWNER_EXECUTE) {
                    throw new IOException("Cookie file " + file + " must be accessible by owner only (its mode is "
                            + PosixFilePermissions.toString(permissions) + "; chmod 400 it)");
                }
            }
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_FILE_SIZE + 1);
        }
        if (content.length > MAX_FILE_SIZE) {
            throw new IOException("Cookie file " + file + " is larger than " + MAX_FILE_SIZE + " bytes: not a cookie");
        }
        return parseFileContent(content, file);
    }

    /** {@code auth:check_cookie/2}: printable ASCII, then only line ends and spaces. */
    static Cookie parseFileContent(byte[] content, Path file) throws IOException {
        int end = 0;
        while (end < content.length && content[end] >= ' ' && content[end] <= '~') {
            end++;
        }
        for (int i = end; i < content.length; i++) {
            if (content[i] != '\n' && content[i] != '\r' && content[i] != ' ') {
                throw new IOException("Bad characters in cookie (file " + file + ", byte " + i + ")");
            }
        }
        if (end == 0) {
            throw new IOException("Too short cookie string (file " + file + ")");
        }
        if (end > 255) {
            throw new IOException("Cookie in " + file + " has " + end + " characters; a cookie is an atom of at most 255");
        }
        return new Cookie(Arrays.copyOf(content, end));
    }

    /** {@code auth:create_cookie/1}: 20 random letters A-Z, written with mode 0400. */
    private static void create(Path file) throws IOException {
        SecureRandom random = new SecureRandom();
        byte[] letters = new byte[GENERATED_LENGTH];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (byte) ('A' + random.nextInt(26));
        }
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView(PosixFileAttributeView.class);
        try {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            return; // another node created it meanwhile: use theirs, as erl would on its next start
        } catch (IOException e) {
            throw new IOException("Failed to create cookie file '" + file + "': " + e.getMessage(), e);
        }
        try {
            Files.write(file, letters, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            if (posix) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
            }
        } catch (IOException e) {
            throw new IOException("Failed to write to cookie file '" + file + "': " + e.getMessage(), e);
        }
    }

    /**
     * The digest that proves knowledge of this cookie for {@code challenge}:
     * {@code MD5(cookie ++ integer_to_list(challenge))} with the challenge as an unsigned 32-bit
     * decimal (OTP: {@code dist_util:gen_digest/2}).
     */
    public byte[] digest(int challenge) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
        md5.update(latin1);
        md5.update(Integer.toUnsignedString(challenge).getBytes(StandardCharsets.ISO_8859_1));
        return md5.digest();
    }

    /** Whether {@code other} is the same cookie, compared in constant time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Cookie c && MessageDigest.isEqual(latin1, c.latin1);
    }

    /** The length only, so that a hash table does not become an oracle for the content. */
    @Override
    public int hashCode() {
        return latin1.length;
    }

    /** Never the cookie: {@code Cookie[hidden]}. */
    @Override
    public String toString() {
        return "Cookie[hidden]";
    }
}
